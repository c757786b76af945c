"""The tie survey's respondent app: only the respondent page, nothing of the explorer.

``./run survey`` starts it on 127.0.0.1 (port 8502) through ui/launch.py; put
it behind an HTTPS reverse proxy to reach partners' offices (docs/survey.md).
The data file is ``GRAPH_DATA``'s first file (default: the bundled data);
rounds are the ``<stem>.survey-<round>.ttl`` files beside it
(``GRAPH_SURVEY_ROUND`` limits the app to one).  A respondent opens
``/survey?t=TOKEN`` (``&lang=en`` for English).
"""

from __future__ import annotations

import streamlit as st

from ui import survey_form
from ui.i18n import translate

st.set_page_config(page_title="Ankieta powiązań / Tie survey", page_icon="🤝", layout="centered", initial_sidebar_state="collapsed")

page = st.navigation(
    [
        st.Page(survey_form.landing, title=translate("survey.page_title", "pl"), url_path="start", default=True),
        st.Page("ui/survey_page.py", title=translate("survey.page_title", "pl"), url_path="survey"),
    ],
    position="hidden",
)
page.run()
