"""The gaps page (being built: issue 4)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t


def render() -> None:
    st.title(t("nav.gaps"))
