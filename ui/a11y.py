"""Accessibility fixes Streamlit does not make itself (WCAG 2.1 AA).

One small ``st.components.v2`` component, mounted once per run by ``app.py``
with static code (no data but the language code, passed as data):

* sets ``<html lang>`` to the page's language (Streamlit always says "en"),
  so a screen reader reads Polish as Polish;
* gives the sidebar navigation a valid list structure (Streamlit nests the
  ``li`` items in section ``div``s inside one ``ul``): the ``ul`` becomes
  ``role="none"`` and each section a ``role="list"``;
* :func:`announce` puts a text in a polite live region (``role="status"``),
  e.g. the meeting mode's "Krok 2 z 5: ..." when the step changes;
* darkens captions and hints to a contrast of at least 4.5:1 on white;
* names the widgets' help buttons in the page's language ("Pomoc: Stan na
  dzień"; Streamlit writes "Help for ..." in English).

A MutationObserver re-applies the fixes when Streamlit redraws.  The code is
trusted and constant; nothing from the data reaches it.
"""

from __future__ import annotations

from functools import cache

import streamlit as st

__all__ = ["mount", "announce"]

#: Colours (and the 0.6 opacity of captions) Streamlit draws below 4.5:1 on white, replaced by #555 (7.5:1).
CSS_TEXT = """
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] small, .stTooltipHoverTarget small, [data-testid="stMarkdownContainer"] small { color: #555555 !important; opacity: 1 !important; }
[data-baseweb="select"] [aria-hidden] , input::placeholder, textarea::placeholder { color: #5f5f5f !important; opacity: 1 !important; }
:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
"""

_JS = r"""
export default function (component) {
  const { data } = component;
  const lang = (data && data.lang) === "en" ? "en" : "pl";
  const fix = () => {
    const root = document.documentElement;
    if (root.lang !== lang) { root.lang = lang; }
    if (!document.getElementById("es-a11y-css")) {
      const style = document.createElement("style");
      style.id = "es-a11y-css";
      style.textContent = data.css;
      document.head.appendChild(style);
    }
    // Streamlit names each widget's help button "Help for <label>" in English: in the page's language here
    const [from, to] = lang === "pl" ? ["Help for ", "Pomoc: "] : ["Pomoc: ", "Help for "];
    document.querySelectorAll('button[aria-label^="' + from + '"], button[aria-label="Help"], button[aria-label="Pomoc"]').forEach((b) => {
      const label = b.getAttribute("aria-label");
      const named = label.startsWith(from) ? to + label.slice(from.length) : (lang === "pl" ? "Pomoc" : "Help");
      if (label !== named) { b.setAttribute("aria-label", named); }
    });
    document.querySelectorAll('[data-testid="stSidebarNav"] ul, [data-testid="stSidebarNavItems"]').forEach((ul) => {
      const odd = Array.from(ul.children).some((c) => c.tagName !== "LI");
      if (!odd) { return; }
      if (ul.getAttribute("role") !== "none") { ul.setAttribute("role", "none"); }
      Array.from(ul.children).forEach((c) => {
        if (c.tagName !== "LI" && c.querySelector(":scope > li") && c.getAttribute("role") !== "list") { c.setAttribute("role", "list"); }
      });
    });
  };
  fix();
  if (data && data.announce) {  // a polite live region: a screen reader reads the new step
    let live = document.getElementById("es-live");
    if (!live) {
      live = document.createElement("div");
      live.id = "es-live";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      live.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;";
      document.body.appendChild(live);
    }
    if (live.textContent !== data.announce) { live.textContent = data.announce; }
  }
  if (!window.__esA11yObserver) {
    window.__esA11yObserver = new MutationObserver(() => fix());
    window.__esA11yObserver.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-label"] });
  }
  window.__esA11yLang = lang;
}
"""


@cache
def _component():
    return st.components.v2.component("es_a11y", js=_JS, isolate_styles=True)


def mount(lang: str) -> None:
    """Apply the fixes for a page in ``lang`` ("pl" or "en")."""
    _component()(data={"lang": "en" if lang == "en" else "pl", "css": CSS_TEXT}, key="es_a11y")


def announce(text: str, *, lang: str, key: str = "es_a11y_live") -> None:
    """Say ``text`` to screen readers (a polite live region), set once per run."""
    _component()(data={"lang": "en" if lang == "en" else "pl", "css": CSS_TEXT, "announce": str(text)}, key=key)
