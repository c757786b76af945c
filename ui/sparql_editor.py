"""The SPARQL editor of the console: a Streamlit ``components.v2`` component.

The editor is CodeMirror 6 (highlighting, bracket matching, completion,
lint markers), bundled from pinned npm packages into
``ui/components/sparql_editor/editor.js`` by ``scripts/build_editor.sh``
and committed, so the dashboard needs no node and no network.  Python sends
the text, the completion terms (:func:`graph.sparql_terms.completion_terms`)
and the parser's error (line, column, message); the editor sends back the
text (on blur) and a "run" trigger (Ctrl+Enter or its button).  The code is
constant and trusted; the data goes in as JSON and is set as text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

__all__ = ["sparql_editor", "BUNDLE"]

BUNDLE = Path(__file__).resolve().parent / "components" / "sparql_editor" / "editor.js"

_CSS = """
.es-sparql .cm-editor { background: #fff; color: #1a1a1a; }
.es-sparql .cm-editor.cm-focused { outline: 3px solid #0072B2; outline-offset: 1px; }
.es-sparql .cm-gutters { background: #f3f3f3; color: #444; border-right: 1px solid #ccc; }
.es-sparql .cm-lintRange-error { background: #ffd9d9; text-decoration: underline wavy #b00000; }
.es-sparql-run { margin-top: 6px; font: inherit; padding: 6px 14px; border-radius: 8px; border: 1px solid #b00020;
                 background: #b00020; color: #fff; cursor: pointer; }
.es-sparql-run:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
"""


@cache
def _component():
    return st.components.v2.component("es_sparql_editor", js=BUNDLE.read_text(encoding="utf-8"), css=_CSS, isolate_styles=False)


def sparql_editor(
    value: str, *, terms: dict, error: dict | None, label: str, run_label: str, key: str = "console_sparql"
) -> tuple[str | None, str | None]:
    """Draw the editor; ``(text on the client, text to run now or None)``."""
    result = _component()(
        data={"value": value, "terms": terms, "error": error, "label": label, "run_label": run_label},
        key=key,
        default={"value": value},
        on_value_change=lambda: None,
        on_run_change=lambda: None,
    )
    return getattr(result, "value", None), getattr(result, "run", None)
