"""Query results in the standard formats: CSV, TSV, SPARQL JSON, text table, Turtle.

Every CSV meant for a spreadsheet goes through :func:`spreadsheet_cell`
(SECURITY T19): a text cell that Excel or LibreOffice would read as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a
leading apostrophe, as OWASP advises; numbers such as ``-1.5`` stay numbers.
``raw=True`` keeps values exactly (for analysts' tools, never for Excel).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from rdflib import BNode, Literal, URIRef

from .store import Result
from .wording import count

__all__ = ["to_csv", "to_tsv", "to_json", "to_table", "to_turtle", "FORMATS", "spreadsheet_cell", "spreadsheet_writer", "spreadsheet_frame"]

FORMATS = ("table", "csv", "tsv", "json", "turtle")

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text, never runs as a formula.

    >>> print(spreadsheet_cell('=HYPERLINK("http://x")'), spreadsheet_cell("@SUM(1+1)"))
    '=HYPERLINK("http://x") '@SUM(1+1)
    >>> spreadsheet_cell("-1.5"), spreadsheet_cell(-2), spreadsheet_cell(None)
    ('-1.5', '-2', '')
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class _SpreadsheetWriter:
    """A ``csv.writer`` whose every cell goes through :func:`spreadsheet_cell`."""

    def __init__(self, out, *, raw: bool = False, lineterminator: str = "\r\n"):
        self._w = csv.writer(out, lineterminator=lineterminator)
        self._cell = (lambda v: "" if v is None else str(v)) if raw else spreadsheet_cell

    def writerow(self, row: Iterable) -> None:
        self._w.writerow([self._cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def spreadsheet_writer(out, *, raw: bool = False, lineterminator: str = "\r\n") -> _SpreadsheetWriter:
    """A CSV writer to the text stream ``out`` for files meant for spreadsheets (T19);
    ``raw=True`` writes values exactly."""
    return _SpreadsheetWriter(out, raw=raw, lineterminator=lineterminator)


def spreadsheet_frame(frame):
    """A copy of the pandas ``frame`` whose text cells, text index and text column
    headings (a heading can be a label from the data) went through
    :func:`spreadsheet_cell`; numbers, booleans and dates are left as they are."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    def text(col) -> bool:
        return is_string_dtype(col.dtype) or is_object_dtype(col.dtype)

    out = frame.copy()
    for name in out.columns:
        if text(out[name]):
            out[name] = out[name].map(lambda v: v if not isinstance(v, str) else spreadsheet_cell(v))
    for axis in ("index", "columns"):
        labels = getattr(out, axis)
        if text(labels):
            setattr(out, axis, labels.map(lambda v: v if not isinstance(v, str) else spreadsheet_cell(v)))
    return out


def _json_term(t):
    if t is None:
        return None
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    out = {"type": "literal", "value": str(t)}
    if t.language:
        out["xml:lang"] = t.language
    elif t.datatype is not None:
        out["datatype"] = str(t.datatype)
    return out


def to_json(result: Result) -> str:
    """The SPARQL 1.1 Query Results JSON format."""
    if result.kind == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean})
    if result.kind != "SELECT":
        raise ValueError("JSON results are for SELECT and ASK; use turtle for graphs")
    bindings = [{v: _json_term(t) for v, t in zip(result.vars, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": list(result.vars)}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=1)


def to_csv(result: Result, *, raw: bool = False) -> str:
    """SPARQL 1.1 CSV: plain values, header of variable names; formula-like text
    cells neutralised unless ``raw`` (T19)."""
    if result.kind == "ASK":
        return f"boolean\r\n{str(result.boolean).lower()}\r\n"
    buf = io.StringIO()
    w = spreadsheet_writer(buf, raw=raw)
    w.writerow(result.vars)
    w.writerows(result.rows)
    return buf.getvalue()


def _tsv_term(t, raw: bool) -> str:
    if t is None:
        return ""
    if not raw and isinstance(t, Literal) and spreadsheet_cell(t) != str(t):
        # still a valid Turtle literal, but a spreadsheet's text import shows it as text
        t = Literal(spreadsheet_cell(t), lang=t.language, datatype=t.datatype)
    return t.n3()


def to_tsv(result: Result, *, raw: bool = False) -> str:
    """SPARQL 1.1 TSV: terms in Turtle syntax.  A literal whose text a spreadsheet would
    run as a formula gets the same apostrophe as in CSV unless ``raw`` (T19): Excel
    strips the quotes of ``"=cmd|' /C calc'!A0"`` and would run the rest."""
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for row in result.rows:
        lines.append("\t".join(_tsv_term(t, raw) for t in row))
    return "\n".join(lines) + "\n"


def to_table(result: Result, *, width: int = 60) -> str:
    """A plain-text table for the terminal."""
    if result.kind == "ASK":
        return "yes" if result.boolean else "no"
    if result.kind == "GRAPH":
        return to_turtle(result)

    def cell(t) -> str:
        s = "" if t is None else (str(t) if isinstance(t, Literal) else str(t))
        return s if len(s) <= width else s[: width - 1] + "…"

    rows = [[cell(t) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(result.vars)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(result.vars), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({count(len(rows), 'row', 'en')}{', truncated' if result.truncated else ''})")
    return "\n".join(out)


def to_turtle(result: Result) -> str:
    if result.kind != "GRAPH":
        raise ValueError("Turtle is for CONSTRUCT and DESCRIBE results")
    return result.graph.serialize(format="turtle")
