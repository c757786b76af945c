"""The respondent page of survey_app.py (a file page, so it is served at /survey)."""

from ui.survey_form import render

render()
