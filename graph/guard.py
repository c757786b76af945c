"""The read-only guard and the limits for untrusted SPARQL (console, CLI, endpoint).

Safe by construction, as datasette's ``validate_sql_select``: the query is
parsed (never matched as text) and its whole syntax tree is walked.  Refused:
updates (including LOAD, CLEAR, DROP, INSERT), SERVICE anywhere (subqueries,
OPTIONAL, nested groups), and FROM / FROM NAMED of any IRI outside the
project's own base.  Then :func:`run_limited` runs the query in a forked
worker that is killed at the time limit (rdflib and pyoxigraph cannot be
cancelled from Python: SECURITY T1, T2, T8), and caps the rows.
"""

from __future__ import annotations

import multiprocessing
import re
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import GraphError, QueryError, QueryRefused, QueryTimeout
from .model import BASE, PREFIXES
from .store import Bindings, Result, Store

__all__ = ["Limits", "check_query", "run_limited"]

# Never let rdflib fetch FROM graphs, whoever calls it (T2).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Limits:
    """Bounds for one untrusted query (settings GRAPH_QUERY_TIMEOUT, GRAPH_MAX_ROWS)."""

    timeout_s: float = 10.0
    max_rows: int = 10_000


def _walk(node):
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def _oxigraph_position(text: str) -> tuple[int | None, int | None, str | None]:
    """Line and column from pyoxigraph's parser, when it is safe to ask it.

    pyoxigraph can only parse by running; on an empty store nothing is read,
    and a text that mentions SERVICE is never handed to it (T1).
    """
    expanded = _UNESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if "SERVICE" in expanded.upper():
        return None, None, None
    try:
        ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        if m := re.search(r"error at (\d+):(\d+): ?(.*)", str(exc), re.S):
            return int(m.group(1)), int(m.group(2)), m.group(3).strip()
        return None, None, str(exc)
    except Exception:  # noqa: BLE001 - any evaluation error means it parsed
        return None, None, None
    return None, None, None


def check_query(text: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) if the guard allows ``text``.

    Raises QueryError (with line and column) for bad syntax and QueryRefused
    for anything that writes or reaches outside the store.
    """
    if not text or not text.strip():
        raise QueryError("the query is empty")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            pass
        else:
            raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) are refused: the console is read-only") from None
        line, column, problem = _oxigraph_position(text)
        if line is None:
            line, column, problem = exc.lineno, exc.col, problem or exc.msg
        raise QueryError(problem or exc.msg, line, column) from None
    except Exception as exc:  # rdflib raises plain exceptions for some bad input
        raise QueryError(str(exc)) from None
    query = tree[1]
    form = _FORMS.get(getattr(query, "name", ""), None)
    if form is None:
        raise QueryRefused(f"unsupported query form {getattr(query, 'name', '?')}")
    for node in _walk(tree):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRefused("SERVICE (federated query) is refused: queries may not reach other servers")
            if node.name == "DatasetClause":
                iri = node.get("default") or node.get("named")
                if iri is not None and not str(iri).startswith(BASE):
                    raise QueryRefused(f"FROM <{iri}> is refused: only this store's own graphs can be queried")
    return form


def _worker(store: Store, text: str, bindings, max_rows: int, conn) -> None:
    try:
        conn.send(("ok", store.query(text, bindings, max_rows=max_rows)))
    except GraphError as exc:
        conn.send(("error", exc))
    except Exception as exc:  # noqa: BLE001 - report, never hang the parent
        conn.send(("error", GraphError(f"{exc.__class__.__name__}: {exc}")))
    finally:
        conn.close()


def run_limited(store: Store, text: str, bindings: Bindings = None, *, limits: Limits = Limits()) -> Result:
    """Guard, then run ``text`` within the time and row limits."""
    check_query(text)
    if store.backend == "remote":
        # the server enforces its own timeout (oxigraph --timeout-s); the client bounds the wait
        return store.query(text, bindings, max_rows=limits.max_rows)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    with store.lock:  # no other thread is inside the store while we fork
        worker = ctx.Process(target=_worker, args=(store, text, bindings, limits.max_rows, send), daemon=True)
        worker.start()
    send.close()
    try:
        if not receive.poll(limits.timeout_s):
            raise QueryTimeout(limits.timeout_s)
        try:
            status, payload = receive.recv()
        except EOFError:
            raise GraphError("the query worker stopped without an answer") from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(timeout=5)
        receive.close()
    if status == "error":
        raise payload
    return payload
