"""Differential fuzzing of the query guard against the engine (SECURITY T15).

:func:`queries` generates SPARQL texts that mix comments ending at LF, CR,
CRLF or an escaped ``\\u000D``; strings of every quoting with ``#``, ``\"\"\"``
and braces inside; ``\\uXXXX``-escaped keyword letters; nested groups, OPTIONAL,
UNION, FILTER EXISTS and subqueries; and, hidden or not, SERVICE calls,
remote FROM, LOAD and other updates aimed at a local listener.

:class:`Differential` checks one text: the guard refuses it, or the text it
returns (the only text engines run) is evaluated by Oxigraph *in this
process, with its network* and must (1) never reach the listener, (2) have
the form the guard named, and (3) through the guarded worker path, keep the
row limit.  Used by tests/test_guard_fuzz.py and scripts/fuzz_guard.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from hypothesis import strategies as st

from graph.errors import GraphError, QueryError, QueryRefused
from graph.guard import Limits, guard_query, run_limited
from graph.model import PREFIXES
from graph.store import OxigraphStore

__all__ = ["queries", "Differential", "DATA"]

#: Twelve triples: any generated pattern answers fast, and SELECT * of them passes a row limit of 5.
DATA = "\n".join(
    f"<https://w3id.org/es-pl/id/s{i}> <https://w3id.org/es-pl/def#p{i % 3}> \"v{i} # not a comment\" ." for i in range(12)
)

#: What ends a comment (LF, CR, CRLF, escaped), and a decoy that does not (the text ``\\r``, then LF).
LINE_ENDS = ["\n", "\r", "\r\n", "\\u000D", "\\u000d", "\\u000A", "\\u000D\\u000A", "\\r x\n"]
_GAPS = [" ", "  ", "\t", "\n", "\r", "\r\n"]
_JUNK = ["x", "{", "}", '"', "'", '"""', "'''", "<", ">", "#", "\\", "SELECT", "}}", ";"]
_STRING_BODIES = ["a # b", 'say \\"hi\\"', "#", "{ } <x>", "\\\\", "\\u0022", "\\u0027"]


@st.composite
def _gap(draw) -> str:
    """White space, or a comment (with junk, maybe a payload) ended by some line end."""
    if draw(st.integers(0, 3)):
        return draw(st.sampled_from(_GAPS))
    junk = "".join(draw(st.lists(st.sampled_from(_JUNK), max_size=2)))
    end = draw(st.sampled_from(LINE_ENDS))
    return f" #{junk}{end}"


@st.composite
def _string(draw) -> str:
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    body = "".join(draw(st.lists(st.sampled_from(_STRING_BODIES), max_size=2)))
    if len(quote) == 3 and draw(st.booleans()):
        body += draw(st.sampled_from(["\n", "\r", "#\r", " # x\r\n"]))
        body += draw(st.sampled_from(['"', "'", ""]))  # a lone quote inside a long string
        if body.endswith(quote[0]):
            body += " "
    return f"{quote}{body}{quote}"


def _escape_letters(word: str, which: list[bool]) -> str:
    return "".join(f"\\u{ord(c):04X}" if flip and c.isalpha() else c for c, flip in zip(word, which + [False] * len(word)))


@st.composite
def _keyword(draw, word: str) -> str:
    word = word if draw(st.booleans()) else word.lower()
    if draw(st.integers(0, 4)) == 0:
        word = _escape_letters(word, draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word))))
    return word


@st.composite
def _payload(draw, url: str, gaps: bool = True) -> str:
    """Something that must never run: a SERVICE call (for a WHERE group)."""
    n = draw(st.integers(0, 999))
    kind = draw(st.sampled_from(["service", "silent", "variable"]))
    service = draw(_keyword("SERVICE"))
    g = draw(_gap()) if gaps else " "
    if kind == "silent":
        return f"{service} SILENT{g}<{url}s{n}> {{ ?s ?p ?o }}"
    if kind == "variable":
        return f"VALUES ?e {{ <{url}v{n}> }}{g}{service} ?e {{ ?s ?p ?o }}"
    return f"{service}{g}<{url}s{n}> {{ ?s ?p ?o }}"


@st.composite
def _pattern(draw, url: str, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 2 if depth == 0 else 1))):
        choice = draw(st.integers(0, 9 if depth < 1 else 4))
        g = draw(_gap())
        if choice <= 1:
            parts.append(f"?s{g}?p ?o .")
        elif choice == 2:
            parts.append(f"FILTER(?o != {draw(_string())}){g}")
        elif choice == 3:
            parts.append(f"BIND({draw(_string())} AS ?b{draw(st.integers(0, 9))}){g}")
        elif choice == 4:
            parts.append(f"#{draw(_payload(url, gaps=False))}{draw(st.sampled_from(LINE_ENDS))}")  # a payload behind a comment
        elif choice == 5:
            parts.append(f"{{{g}{draw(_pattern(url, depth + 1))} }}")
        elif choice == 6:
            parts.append(f"OPTIONAL {{ {draw(_pattern(url, depth + 1))}{g}}}")
        elif choice == 7:
            parts.append(f"{{ {draw(_pattern(url, depth + 1))} }} UNION{g}{{ {draw(_pattern(url, depth + 1))} }}")
        elif choice == 8:
            parts.append(f"FILTER EXISTS {{ {draw(_pattern(url, depth + 1))} }}")
        else:
            parts.append(f"{{ SELECT * WHERE {{ {draw(_pattern(url, depth + 1))} }} LIMIT 3 }}")
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(_payload(url)))  # in plain sight
    return " ".join(parts)


@st.composite
def queries(draw, url: str) -> str:
    """One SPARQL text aimed at ``url`` (a listener): allowed, refused, broken or smuggling."""
    where = draw(_pattern(url))
    g1, g2 = draw(_gap()), draw(_gap())
    form = draw(st.sampled_from(["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]))
    dataset = ""
    if draw(st.integers(0, 5)) == 0:
        dataset = f" FROM{draw(_gap())}<{url}from{draw(st.integers(0, 99))}>"
    if form == "SELECT":
        text = f"{draw(_keyword('SELECT'))} *{dataset}{g1}WHERE {{{g2}{where} }}"
    elif form == "ASK":
        text = f"{draw(_keyword('ASK'))}{dataset}{g1}{{{g2}{where} }}"
    elif form == "CONSTRUCT":
        text = f"{draw(_keyword('CONSTRUCT'))} {{ ?s ?p ?o }}{dataset}{g1}WHERE {{{g2}{where} }}"
    else:
        text = f"DESCRIBE ?s{dataset}{g1}WHERE {{{g2}{where} }}"
    trick = draw(st.integers(0, 5))
    if trick == 0:  # another form behind a comment that ends at CR for one reader and not for the other
        end = draw(st.sampled_from(LINE_ENDS))
        text = f'#{end}SELECT * WHERE {{ ?s ?p ?o FILTER(?o != """\n{text} # """) }}'
    elif trick == 1:  # an update around the query
        n = draw(st.integers(0, 999))
        update = draw(st.sampled_from([f"LOAD <{url}load{n}>", "INSERT DATA { <a:a> <a:b> <a:c> }", "CLEAR ALL"]))
        text = f"{text} ;{draw(_gap())}{update}" if draw(st.booleans()) else f"{update} ;{draw(_gap())}{text}"
    elif trick == 2:  # a prologue with a comment
        text = f"PREFIX x: <{url}>{draw(_gap())}{text}"
    return text


_KINDS = {"SELECT": ox.QuerySolutions, "ASK": ox.QueryBoolean, "CONSTRUCT": ox.QueryTriples, "DESCRIBE": ox.QueryTriples}


@dataclass
class Differential:
    """The guard against Oxigraph for one listener; counts what happened."""

    listener: object  # has .hits and .url
    max_rows: int = 5
    counts: dict = field(default_factory=lambda: {"allowed": 0, "refused": 0, "broken": 0, "engine refused": 0})

    def __post_init__(self) -> None:
        self.raw = ox.Store()  # with the network: the unguarded engine the guard must protect
        self.raw.load(DATA.encode(), format=ox.RdfFormat.N_TRIPLES)
        self.store = OxigraphStore()
        self.store.ox.load(DATA.encode(), format=ox.RdfFormat.N_TRIPLES)

    def check(self, text: str) -> None:
        hits = len(self.listener.hits)
        try:
            checked = guard_query(text)
        except QueryRefused:
            self.counts["refused"] += 1
            return
        except QueryError:
            self.counts["broken"] += 1
            return
        self.counts["allowed"] += 1
        try:
            answer = self.raw.query(checked.text, prefixes=PREFIXES, use_default_graph_as_union=True)
            rows = None if isinstance(answer, ox.QueryBoolean) else list(answer)
        except SyntaxError:
            # rdflib's grammar is laxer in places (a variable bound twice by BIND): Oxigraph refuses, nothing runs
            assert len(self.listener.hits) == hits, f"reached the listener: {self.listener.hits[hits:]} from {text!r}"
            self.counts["engine refused"] += 1
            return
        except (OSError, RuntimeError) as exc:
            raise AssertionError(f"Oxigraph failed on what the guard allowed ({exc}): {text!r}") from None
        assert len(self.listener.hits) == hits, f"reached the listener: {self.listener.hits[hits:]} from {text!r}"
        assert isinstance(answer, _KINDS[checked.form]), f"guard form {checked.form}, Oxigraph {type(answer).__name__}: {text!r}"
        try:
            result = run_limited(self.store, text, limits=Limits(timeout_s=10, max_rows=self.max_rows))
        except GraphError as exc:
            raise AssertionError(f"the guarded path failed ({exc}): {text!r}") from None
        if rows is not None:
            got = result.rows if checked.form == "SELECT" else result.triples
            assert len(got) == min(len(rows), self.max_rows), (len(got), len(rows), text)
            assert result.truncated == (len(rows) > self.max_rows), text
