"""Rendering reports as Markdown, CSV and JSON, in Polish or English."""

from __future__ import annotations

__all__ = ["render_markdown", "render_csv", "render_json"]


def render_markdown(report, *, lang: str = "pl", limit: int = 20) -> str:
    """A GapReport, Diff or WhatIf as Markdown a coordinator can read."""
    raise NotImplementedError


def render_csv(report, *, lang: str = "pl") -> str:
    """The findings as CSV, one row per finding."""
    raise NotImplementedError


def render_json(report, *, lang: str = "pl") -> str:
    """The whole report as JSON."""
    raise NotImplementedError
