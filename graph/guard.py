"""The read-only guard and the limits for untrusted SPARQL (console, CLI, endpoint).

Safe by construction, as datasette's ``validate_sql_select``: the query is
parsed (never matched as text) and its whole syntax tree is walked.  Refused:
updates (including LOAD, CLEAR, DROP, INSERT), SERVICE anywhere (subqueries,
OPTIONAL, FILTER EXISTS, nested groups), and FROM / FROM NAMED of any IRI
outside the project's own base (SECURITY T1, T2).

Engines must parse exactly what the guard parsed (SECURITY T15).  SPARQL
expands ``\\uXXXX`` escapes before parsing (SPARQL 1.1, 19.2), rdflib does so
and Oxigraph does not; the grammar ends a ``#`` comment at CR or LF, Oxigraph
does so and rdflib only at LF.  So ``# x<CR>SERVICE <...>`` or ``\\u000D`` was
a comment to the guard and a federated query to Oxigraph.  :func:`guard_query`
therefore expands the escapes, then turns every CR and CRLF into LF (a CR in a
value is written ``\\r``), parses that, and returns it as the *only* text the
engines run.  The query form comes from the same parse, and the worker checks
that the engine's answer has that form (:class:`RunningQuery`).  rdflib's
parser cannot be stopped, so a text over ``INLINE_PARSE_CHARS`` is checked
in a forked worker killed after ``PARSE_TIMEOUT_S``.  Belt and braces:
a SERVICE keyword anywhere outside strings, IRIs and comments is refused even
if the parser missed it, and :func:`start_limited` runs the query in a forked
worker (:mod:`graph.workers`) that has no network (a fresh network namespace,
where the kernel allows it), a memory cap, and is killed at the time limit
(rdflib and pyoxigraph cannot be cancelled from Python: T8).
"""

from __future__ import annotations

import contextlib
import functools
import re
import signal
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .bind import skip_token
from .errors import GraphError, QueryError, QueryRefused, QueryTimeout
from .model import BASE, PREFIXES
from .sparql_parse_lock import install as _one_parse_at_a_time
from .store import Bindings, Result, Store
from .workers import pool_for, run_once, watchdog

_one_parse_at_a_time()  # rdflib parses in several threads of the dashboard (graph/sparql_parse_lock.py)

__all__ = ["Limits", "Checked", "RunningQuery", "check_query", "guard_query", "expand_escapes", "normalise", "start_limited", "run_limited"]

# Never let rdflib fetch FROM graphs, whoever calls it (T2).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
#: What a worker may answer to each form (wire kinds of :mod:`graph.wire`).
_ANSWER_KINDS = {"SELECT": ("TSV", "SELECT"), "ASK": ("ASK",), "CONSTRUCT": ("NT", "GRAPH"), "DESCRIBE": ("NT", "GRAPH")}
_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
#: rdflib's parser (pyparsing) is not thread-safe; the dashboard and the endpoint are threaded.
_PARSE_LOCK = threading.Lock()
#: Longer texts are refused before any parser sees them.
MAX_QUERY_CHARS = 100_000
#: Texts up to this length are parsed here (rdflib: at most about half a second, measured on
#: adversarial 1-2 kB texts); longer ones in a forked worker killed after PARSE_TIMEOUT_S.
INLINE_PARSE_CHARS = 1_000
PARSE_TIMEOUT_S = 5.0
PARSE_MEMORY = 512 << 20

REFUSED_UPDATE = "updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE...) are refused: queries here are read-only"
REFUSED_SERVICE = "SERVICE (federated query) is refused: queries may not reach other servers"


@dataclass(frozen=True)
class Limits:
    """Bounds for one untrusted query (settings GRAPH_QUERY_TIMEOUT, GRAPH_MAX_ROWS).

    ``memory_bytes`` caps what the worker may allocate beyond the store it
    inherits (None: no cap).
    """

    timeout_s: float = 10.0
    max_rows: int = 10_000
    memory_bytes: int | None = 2 << 30

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(timeout_s=settings.timeout_s, max_rows=settings.max_rows,
                   memory_bytes=getattr(settings, "query_memory_mb", 2048) << 20)


@dataclass(frozen=True)
class Checked:
    """A query the guard allows: its form and the exact text engines must run."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    text: str  # \\u escapes expanded, line ends LF: what the guard parsed and what engines run

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")


def expand_escapes(text: str) -> str:
    """``text`` with SPARQL's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes expanded (as rdflib parses it)."""

    def one(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"bad escape {m.group(0)}: not a Unicode code point")
        return chr(code)

    return _UNESCAPE.sub(one, text)


def normalise(text: str) -> str:
    """``text`` with its escapes expanded and every CR / CRLF turned into LF.

    After this, rdflib and the SPARQL grammar (Oxigraph) end comments at the
    same places.  A raw CR is allowed only in long strings, where it becomes
    LF; a CR in a value is written ``\\r``.
    """
    expanded = expand_escapes(text)
    if _UNESCAPE.search(expanded):
        # an escape that produces an escape: engines that expand twice would read something else
        raise QueryError("escape sequences may not produce further \\u escapes")
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


def _walk(node):
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def _keywords(text: str):
    """Bare words outside strings, IRIs and comments: not variables, prefixes, local names or tags."""
    i, n = 0, len(text)
    while i < n:
        j = skip_token(text, i)
        if j != i:
            i = j
            continue
        c = text[i]
        if c.isalpha() or c == "_":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_-"):
                j += 1
            before = text[i - 1] if i else " "
            after = text[j] if j < n else " "
            if before not in "?$:@" and not before.isalnum() and after != ":":
                yield text[i:j].upper()
            i = j
            continue
        i += 1


def _oxigraph_check(text: str) -> tuple[int | None, int | None, str | None]:
    """Line, column and message from pyoxigraph's parser (positions in the text as typed).

    pyoxigraph can only parse by running (its Python API has no parser of
    its own), so this runs on an empty store in a worker without network,
    killed after two seconds; where the worker cannot drop the network, it
    does not run at all and rdflib's position is used.
    """

    def parse(text: str):
        try:
            ox.Store().query(text, prefixes=PREFIXES)
        except SyntaxError as exc:
            if m := _POSITION.search(str(exc)):
                return int(m.group(1)), int(m.group(2)), m.group(3).strip()
            return None, None, str(exc)
        except Exception:  # noqa: BLE001 - any evaluation error means it parsed
            pass
        return None, None, None

    # the text as typed is unguarded here: it runs only where the worker surely has no network
    answer = run_once(parse, (text,), 2.0, sandboxed_only=True)
    if answer is None or answer[0] != "ok":
        return None, None, None
    return answer[1]


def _dataset_iri(node, prologue) -> str:
    """The IRI a FROM / FROM NAMED clause names, prefixed names resolved."""
    get = dict.get  # CompValue.get answers the key's name for a missing key
    iri = get(node, "default") or get(node, "named")
    if isinstance(iri, CompValue) and iri.name == "pname":
        prefix = get(iri, "prefix") or ""
        declared = {str(get(d, "prefix") or ""): str(get(d, "iri")) for d in prologue if getattr(d, "name", "") == "PrefixDecl"}
        base = declared.get(prefix, PREFIXES.get(prefix))
        if base is None:
            raise QueryError(f"FROM uses the undeclared prefix {prefix}:")
        return base + str(get(iri, "localname") or "")
    return str(iri)


def guard_query(text: str) -> Checked:
    """Check ``text``; its form and the text to run, or QueryError / QueryRefused.

    QueryError carries line and column for bad syntax; QueryRefused names the
    refused construct (update, SERVICE, remote FROM).  Verdicts on allowed
    texts are remembered (rdflib's parser takes 5-100 ms per query).
    """
    return _guard_cached(text)


@functools.lru_cache(maxsize=512)
def _guard_cached(text: str) -> Checked:
    if not text or not text.strip():
        raise QueryError("the query is empty")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    expanded = normalise(text)
    if len(expanded) <= INLINE_PARSE_CHARS:
        verdict = _verdict(expanded, True)
    else:
        # rdflib's parser cannot be stopped and takes seconds on long texts (90 kB of FILTERs: 36 s):
        # a long text is checked in a worker killed at the limit, so it never holds the parser for others
        answer = run_once(_verdict, (expanded, False), PARSE_TIMEOUT_S, memory_bytes=PARSE_MEMORY, hold=_PARSE_LOCK)
        if answer is None:
            raise QueryRefused(f"the query could not be checked within {PARSE_TIMEOUT_S:g} s: make it shorter or simpler")
        if answer[0] != "ok":
            raise answer[1] if isinstance(answer[1], (QueryError, QueryRefused)) else QueryRefused(f"the query could not be checked: {answer[1]}")
        verdict = answer[1]
    if isinstance(verdict, tuple):  # a syntax error: ask Oxigraph for the exact place (it names positions as typed)
        line, column, problem, locate = verdict
        if locate:
            ox_line, ox_column, ox_problem = _oxigraph_check(text)
            if ox_line is not None:
                line, column = ox_line, ox_column
            problem = ox_problem or problem
        raise QueryError(problem, line, column)
    return Checked(verdict, expanded)


def _verdict(expanded: str, lock: bool):
    """Parse and walk ``expanded``: its form, or (line, column, problem, locate) for a syntax error.

    Raises QueryRefused / QueryError.  ``lock``: hold the parser lock (not in
    a forked worker, which has one thread and may inherit the lock held).
    """
    held = _PARSE_LOCK if lock else contextlib.nullcontext()
    try:
        with held:
            tree = parseQuery(expanded)
    except ParseException as exc:
        try:
            with held:
                parseUpdate(expanded)
        except Exception:  # noqa: BLE001 - not an update either
            pass
        else:
            raise QueryRefused(REFUSED_UPDATE) from None
        return exc.lineno, exc.col, exc.msg, "SERVICE" not in _keywords(expanded)
    except RecursionError:
        # rdflib's parser never ends on a SERVICE nested in a SERVICE
        raise QueryRefused(REFUSED_SERVICE if "SERVICE" in _keywords(expanded) else "the query is nested too deeply") from None
    except Exception as exc:  # rdflib raises plain exceptions for some bad input
        raise QueryError(str(exc)) from None
    prologue, query = tree[0], tree[1]
    form = _FORMS.get(getattr(query, "name", ""), None)
    if form is None:
        raise QueryRefused(f"unsupported query form {getattr(query, 'name', '?')}")
    for node in _walk(tree):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRefused(REFUSED_SERVICE)
            if node.name == "DatasetClause":
                iri = _dataset_iri(node, prologue)
                if not iri.startswith(BASE) or not re.fullmatch(r"[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+", iri):
                    raise QueryRefused(f"FROM <{iri}> is refused: only this store's own graphs can be queried")
    if "SERVICE" in _keywords(expanded):
        # the parser saw none, yet the word is there: refuse rather than trust one parser
        raise QueryRefused(REFUSED_SERVICE)
    return form


def check_query(text: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) if the guard allows ``text``."""
    return guard_query(text).form


# ---------------------------------------------------------------- running


class RunningQuery:
    """A guarded query running in a kept worker (:mod:`graph.workers`); poll it, wait for it, or cancel it.

    The console polls (so the page stays responsive and a rerun cancels the
    worker); :func:`run_limited` simply waits.  A worker that finishes in time
    goes back to its pool; one that overruns or is cancelled is killed.
    """

    def __init__(self, store: Store, checked: Checked, bindings: Bindings, limits: Limits, dataset: tuple | None = None) -> None:
        self.checked = checked
        self.limits = limits
        self.started = time.monotonic()
        self.deadline = self.started + limits.timeout_s
        self._answer = None
        self._pool = pool_for(store, memory_bytes=limits.memory_bytes)
        self._worker = self._pool.acquire()
        job = (checked.text, bindings, limits.max_rows, dataset)
        try:
            self._worker.conn.send(job)
        except (OSError, ValueError):  # the worker died between queries: one more try with a fresh one
            self._worker.kill()
            self._worker = self._pool.acquire()
            self._worker.conn.send(job)
        # the worker dies at the limit even if nobody polls (a page left while a query runs)
        self._kill = watchdog.schedule(limits.timeout_s + 0.5, self._worker.kill)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (at most until the deadline); True when finished."""
        if self._answer is not None:
            return True
        left = self.deadline - time.monotonic()
        wait = max(0.0, left if timeout is None else min(timeout, left))
        try:
            ready = self._worker.conn.poll(wait)
        except (OSError, ValueError):
            ready = True  # closed by the watchdog
        if ready:
            try:
                self._answer = self._worker.conn.recv()
            except (EOFError, OSError, ValueError):
                self._finish(keep=False)
                if time.monotonic() >= self.deadline:  # the watchdog killed it
                    self._answer = ("error", QueryTimeout(self.limits.timeout_s))
                else:
                    code = self._worker.proc.exitcode
                    if code in (-signal.SIGABRT, -signal.SIGKILL):  # Oxigraph aborts when an allocation fails under the cap
                        why = "the query needed more memory than a query may use"
                    else:
                        why = "the query worker stopped without an answer"
                    self._answer = ("error", GraphError(f"{why} (its worker stopped with exit code {code})"))
                return True
            if self._answer[0] == "ok" and self._answer[1][0] not in _ANSWER_KINDS[self.checked.form]:
                # the engine read another query than the guard: never hand its answer out (T15)
                self._answer = ("error", QueryRefused(f"the engine read this query as another form than {self.checked.form}"))
                self._finish(keep=False)
                return True
            self._finish(keep=True)
            return True
        if time.monotonic() >= self.deadline:
            self._answer = ("error", QueryTimeout(self.limits.timeout_s))
            self._finish(keep=False)
            return True
        return False

    def done(self) -> bool:
        return self.wait(0)

    def wire(self) -> tuple:
        """The answer as the worker sent it (:mod:`graph.wire`), waiting as :meth:`result` does."""
        while not self.wait(None):
            pass
        status, payload = self._answer
        if status == "error":
            raise payload
        return payload

    def result(self) -> Result:
        """The answer, waiting until it comes or the time limit passes."""
        payload = self.wire()
        if isinstance(payload, tuple):
            from .wire import decode

            self._answer = ("ok", decode(payload))  # decode once, however often result() is asked
        return self._answer[1]

    def cancel(self) -> None:
        """Stop the worker now (a rerun of the page, a Stop button)."""
        if self._answer is None:
            self._answer = ("error", GraphError("the query was cancelled"))
            self._finish(keep=False)

    @property
    def worker_alive(self) -> bool:
        return self._worker.alive()

    def _finish(self, *, keep: bool) -> None:
        watchdog.cancel(self._kill)
        if keep:
            self._pool.release(self._worker)
        else:
            self._worker.kill()

    def __del__(self) -> None:
        try:
            if self._answer is None:
                self._worker.kill()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def start_limited(store: Store, text: str, bindings: Bindings = None, *, limits: Limits = Limits()) -> RunningQuery:
    """Guard ``text`` (raising at once if refused), then start it in a limited worker."""
    return RunningQuery(store, guard_query(text), bindings, limits)


def run_limited(store: Store, text: str, bindings: Bindings = None, *, limits: Limits = Limits()) -> Result:
    """Guard, then run ``text`` within the time and row limits."""
    return start_limited(store, text, bindings, limits=limits).result()
