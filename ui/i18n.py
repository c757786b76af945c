"""One catalogue of UI strings: every ``ui/strings/*.toml``, Polish first.

Each file holds keys whose leaves are tables with ``pl`` and ``en``::

    [overview.title]
    pl = "Przegląd"
    en = "Overview"

    "network.count" = { pl = "{n|organisation}", en = "{n|organisation}" }

Nested tables are flattened with dots (``overview.title``).  A key defined in
two files is an error, and ``tests/test_i18n.py`` proves every key has both
languages.  Keys should start with the file's stem (``console.run`` lives in
``console.toml``) so the owners of the files never collide.

``t(key, **fmt)`` gives the string in the session's language (``pl`` unless
the sidebar switch says ``en``); a missing key shows as ``⟦key⟧`` instead of
failing, so a half-finished page still renders.

A count is written ``{n|gmina}``: the value of ``n`` with the noun in the form
it takes (1 gmina, 2 gminy, 5 gmin), through :func:`graph.wording.count`, the
helper the reports and the CLI use; the nouns and the shared terms
(``glossary.term.*``) come from ``graph/glossary.toml``, loaded with the
catalogue.
"""

from __future__ import annotations

import numbers
import re
import tomllib
from functools import cache
from pathlib import Path

from graph.wording import GLOSSARY_FILE, count

__all__ = [
    "LANGS",
    "STRINGS_DIR",
    "catalogue",
    "load_catalogue",
    "translate",
    "t",
    "lang",
    "set_lang",
    "viz_texts",
    "md_escape",
    "tm",
    "tc",
]

LANGS = ("pl", "en")
STRINGS_DIR = Path(__file__).resolve().parent / "strings"
_LANG_KEY = "lang"


class CatalogueError(ValueError):
    """A strings file that breaks the rules (duplicate key, leaf without pl/en)."""


def _flatten(table: dict, prefix: str, source: str, out: dict[str, dict[str, str]], origin: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if not isinstance(value, dict):
            raise CatalogueError(f"{source}: {key}: expected a table with pl and en, got {type(value).__name__}")
        strings = [v for v in value.values() if isinstance(v, str)]
        if strings and len(strings) != len(value):
            raise CatalogueError(f"{source}: {key}: mixes strings and tables")
        if strings or not value:
            if key in out:
                raise CatalogueError(f"{source}: {key}: already defined in {origin[key]}")
            out[key] = {k: v for k, v in value.items()}
            origin[key] = source
        else:
            _flatten(value, key, source, out, origin)


def load_catalogue(folder: Path = STRINGS_DIR) -> dict[str, dict[str, str]]:
    """Every key of every ``*.toml`` in ``folder`` -> {"pl": ..., "en": ...}."""
    out: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    for path in [GLOSSARY_FILE, *sorted(folder.glob("*.toml"))]:
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise CatalogueError(f"{path.name}: {exc}") from None
        _flatten(data, "", path.name, out, origin)
    return out


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The catalogue, read once per process."""
    return load_catalogue()


_COUNT = re.compile(r"\{(\w+)\|([^{}]+)\}")


def translate(key: str, language: str, /, **fmt) -> str:
    """The string for ``key`` in ``language`` (falls back to Polish, then to ``⟦key⟧``).

    ``{n|noun}`` in the text becomes ``fmt["n"]`` with the noun's form for it.
    """
    entry = catalogue().get(key)
    if entry is None:
        return f"⟦{key}⟧"
    text = entry.get(language) or entry.get("pl") or f"⟦{key}⟧"

    def counted(m: re.Match) -> str:
        value = fmt.get(m.group(1))
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            return m.group(0)
        return count(int(value), m.group(2), language).replace("{", "{{").replace("}", "}}")

    text = _COUNT.sub(counted, text)
    if fmt:
        try:
            return text.format(**fmt)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def lang() -> str:
    """The session's language: ``pl`` unless switched (or ``?lang=en`` in the URL)."""
    import streamlit as st

    value = st.session_state.get(_LANG_KEY)
    if value not in LANGS:
        value = st.query_params.get("lang", "pl")
        if value not in LANGS:
            value = "pl"
        st.session_state[_LANG_KEY] = value
    return value


def set_lang(value: str) -> None:
    """Switch the session's language (``pl`` or ``en``; anything else is ignored)."""
    import streamlit as st

    if value in LANGS:
        st.session_state[_LANG_KEY] = value


def t(key: str, /, **fmt) -> str:
    """The UI string ``key`` in the session's language, formatted with ``fmt``."""
    return translate(key, lang(), **fmt)


def viz_texts(language: str) -> tuple[tuple[str, str], ...]:
    """The network view's captions (``viz.*`` keys, prefix dropped) in ``language``."""
    return tuple(sorted((key[4:], translate(key, language)) for key in catalogue() if key.startswith("viz.")))


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=^&\"'")


def md_escape(value) -> str:
    """``value`` as literal text inside Streamlit markdown (headings, captions,
    alerts, labels): every markdown character is backslash-escaped, so data
    can neither form a link or an image (an outside request) nor HTML.

    >>> md_escape("![x](http://e/x.png) <b>")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\://e/x\\\\.png\\\\) \\\\<b\\\\>'
    """
    text = str(value).replace("\n", " ")
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in text)


def tc(n: int, noun: str) -> str:
    """``n`` with ``noun`` (a glossary noun or ``"one|few|many"``) in the session's language."""
    return count(n, noun, lang())


def tm(key: str, /, **fmt) -> str:
    """Like :func:`t`, for markdown elements: the values are escaped with :func:`md_escape`."""
    return t(key, **{k: v if isinstance(v, numbers.Integral) and not isinstance(v, bool) else md_escape(v) for k, v in fmt.items()})
