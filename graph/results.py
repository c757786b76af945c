"""Query results in the standard formats: CSV, TSV, SPARQL JSON, text table, Turtle."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef

from .store import Result
from .wording import count

__all__ = ["to_csv", "to_tsv", "to_json", "to_table", "to_turtle", "FORMATS"]

FORMATS = ("table", "csv", "tsv", "json", "turtle")


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


def to_csv(result: Result) -> str:
    """SPARQL 1.1 CSV: plain values, header of variable names."""
    if result.kind == "ASK":
        return f"boolean\r\n{str(result.boolean).lower()}\r\n"
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(result.vars)
    for row in result.rows:
        w.writerow(["" if t is None else str(t) for t in row])
    return buf.getvalue()


def to_tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: terms in Turtle syntax."""
    lines = ["\t".join(f"?{v}" for v in result.vars)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else t.n3() for t in row))
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
