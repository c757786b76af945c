"""The dashboard's page list: one entry per page, in menu order.

To add a page, append one :class:`PageEntry` to :data:`PAGES` (keep the
module name, url path and title key unique) and put its strings in
``ui/strings/<stem>.toml``.  A page is a module in this package with a
``render()`` function; it is imported only when the page runs, so a page that
fails to import breaks only itself.

``app.py`` turns the entries into ``st.Page`` objects each run; pages link to
one another with :func:`page` (``st.page_link(page("profile"), ...)``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["PageEntry", "PAGES", "SECTIONS", "runner", "page", "register_pages"]

#: Menu sections, by i18n key, in order.
SECTIONS = ("nav.section.explore", "nav.section.tools")


@dataclass(frozen=True)
class PageEntry:
    url_path: str  # also the page's stable name: "network", "profile", ...
    module: str  # module in ui.pages with a render() function
    title_key: str  # i18n key of the menu title
    # icon: None or an emoji, never ":material/...:": Streamlit fetches a page's
    # material icon from fonts.gstatic.com for the favicon, and nothing may
    # leave the machine (tests/test_browser.py records every request).
    icon: str | None = None
    section: str = "nav.section.explore"
    default: bool = False


PAGES: list[PageEntry] = [
    PageEntry("overview", "overview", "nav.overview", default=True),
    PageEntry("network", "network", "nav.network"),
    PageEntry("gaps", "gaps", "nav.gaps"),
    PageEntry("profile", "profile", "nav.profile"),
    PageEntry("meeting", "meeting", "nav.meeting"),
    PageEntry("export", "export", "nav.export", section="nav.section.tools"),
    PageEntry("console", "console", "console.nav", section="nav.section.tools"),
    PageEntry("data", "data", "data.nav", section="nav.section.tools"),
    PageEntry("survey", "survey", "survey.admin.nav", section="nav.section.tools"),
]

_REGISTRY_KEY = "_pages"


def runner(entry: PageEntry) -> Callable[[], None]:
    """A callable that imports the page's module and runs its ``render()``."""

    def run() -> None:
        module = importlib.import_module(f"{__name__}.{entry.module}")
        module.render()

    run.__name__ = f"page_{entry.url_path}"
    run.__qualname__ = run.__name__
    return run


def register_pages(pages: dict) -> None:
    """Remember this run's ``st.Page`` objects by url path (app.py calls it)."""
    import streamlit as st

    st.session_state[_REGISTRY_KEY] = pages


def page(url_path: str):
    """This run's ``st.Page`` for ``url_path`` (for st.page_link / st.switch_page)."""
    import streamlit as st

    return st.session_state[_REGISTRY_KEY][url_path]
