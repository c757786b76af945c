"""The read-only guard and the limits for untrusted SPARQL (console, CLI, endpoint).

Safe by construction, as datasette's ``validate_sql_select``: the query is
parsed (never matched as text) and its whole syntax tree is walked.  Refused:
updates (including LOAD, CLEAR, DROP, INSERT), SERVICE anywhere (subqueries,
OPTIONAL, FILTER EXISTS, nested groups), and FROM / FROM NAMED of any IRI
outside the project's own base (SECURITY T1, T2).

Engines must parse exactly what the guard parsed.  SPARQL expands ``\\uXXXX``
escapes before parsing (SPARQL 1.1, 19.2), rdflib does so and Oxigraph does
not, so a text can read differently to the two; :func:`guard_query` therefore
returns the *expanded* text, and the engines run that.  Belt and braces:
a SERVICE keyword anywhere outside strings, IRIs and comments is refused even
if the parser missed it, and :func:`start_limited` runs the query in a forked
worker that has no network (a fresh network namespace, where the kernel
allows it), a memory cap, and is killed at the time limit (rdflib and
pyoxigraph cannot be cancelled from Python: T8).
"""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import re
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .bind import _skip_token
from .errors import GraphError, QueryError, QueryRefused, QueryTimeout
from .model import BASE, PREFIXES
from .store import Bindings, Result, Store

__all__ = ["Limits", "Checked", "RunningQuery", "check_query", "guard_query", "expand_escapes", "start_limited", "run_limited"]

# Never let rdflib fetch FROM graphs, whoever calls it (T2).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UNESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)
#: rdflib's parser (pyparsing) is not thread-safe; the dashboard and the endpoint are threaded.
_PARSE_LOCK = threading.Lock()
#: Longer texts are refused before any parser sees them.
MAX_QUERY_CHARS = 100_000

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
        return cls(timeout_s=settings.timeout_s, max_rows=settings.max_rows)


@dataclass(frozen=True)
class Checked:
    """A query the guard allows: its form and the exact text engines must run."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    text: str  # with \\u escapes expanded: what the guard parsed

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
        j = _skip_token(text, i)
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


def _in_child(fn, args, timeout_s: float, *, network: bool = False):
    """Run ``fn(*args)`` in a forked, killable worker; (status, payload) or None at the timeout."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_child_main, args=(fn, args, send, network, None), daemon=True)
    worker.start()
    send.close()
    try:
        if not receive.poll(timeout_s):
            return None
        try:
            return receive.recv()
        except EOFError:
            return None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(timeout=5)
        receive.close()


def _oxigraph_check(text: str) -> tuple[int | None, int | None, str | None]:
    """Line, column and message from pyoxigraph's parser (positions in the text as typed).

    pyoxigraph can only parse by running, so this runs on an empty store in a
    worker without network, killed after two seconds.
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

    answer = _in_child(parse, (text,), 2.0)
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
    expanded = expand_escapes(text)
    if _UNESCAPE.search(expanded):
        # an escape that produces an escape: engines that expand twice would read something else
        raise QueryError("escape sequences may not produce further \\u escapes")
    try:
        with _PARSE_LOCK:
            tree = parseQuery(expanded)
    except ParseException as exc:
        try:
            with _PARSE_LOCK:
                parseUpdate(expanded)
        except Exception:  # noqa: BLE001 - not an update either
            pass
        else:
            raise QueryRefused(REFUSED_UPDATE) from None
        line, column, problem = (None, None, None)
        if "SERVICE" not in _keywords(expanded):
            line, column, problem = _oxigraph_check(text)
        if line is None:
            line, column, problem = exc.lineno, exc.col, problem or exc.msg
        raise QueryError(problem or exc.msg, line, column) from None
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
    return Checked(form, expanded)


def check_query(text: str) -> str:
    """The query form (SELECT, ASK, CONSTRUCT, DESCRIBE) if the guard allows ``text``."""
    return guard_query(text).form


# ---------------------------------------------------------------- the worker

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def _isolate(memory_bytes: int | None, network: bool) -> None:
    """In the worker: no network (where user namespaces are allowed), bounded memory."""
    if not network:
        try:
            ctypes.CDLL(None, use_errno=True).unshare(_CLONE_NEWUSER | _CLONE_NEWNET)
        except (OSError, AttributeError):
            pass  # the guard already refused anything that reaches out
    if memory_bytes:
        try:
            import resource

            with open("/proc/self/statm") as f:
                pages = int(f.read().split()[0])
            cap = pages * os.sysconf("SC_PAGE_SIZE") + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (OSError, ValueError, ImportError):
            pass


def _child_main(fn, args, conn, network: bool, memory_bytes: int | None) -> None:
    try:
        _isolate(memory_bytes, network)
        conn.send(("ok", fn(*args)))
    except GraphError as exc:
        conn.send(("error", exc))
    except MemoryError:
        conn.send(("error", GraphError("the query needed more memory than a query may use")))
    except Exception as exc:  # noqa: BLE001 - report, never hang the parent
        conn.send(("error", GraphError(f"{exc.__class__.__name__}: {exc}")))
    finally:
        conn.close()


def _run_query(store: Store, text: str, bindings, max_rows: int) -> tuple:
    from .wire import run_encoded

    reset = getattr(store, "reset_connections", None)
    if reset is not None:  # a remote store must not share sockets with its parent
        reset()
    return run_encoded(store, text, bindings, max_rows)


class RunningQuery:
    """A guarded query running in a worker process; poll it, wait for it, or cancel it.

    The console polls (so the page stays responsive and a rerun cancels the
    worker); :func:`run_limited` simply waits.
    """

    def __init__(self, store: Store, checked: Checked, bindings: Bindings, limits: Limits) -> None:
        self.checked = checked
        self.limits = limits
        self.started = time.monotonic()
        self.deadline = self.started + limits.timeout_s
        self._answer = None
        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        network = store.backend == "remote"
        args = ((_run_query, (store, checked.text, bindings, limits.max_rows), send, network, None if network else limits.memory_bytes),)
        with store.lock:  # no other thread is inside the store while we fork
            self._worker = ctx.Process(target=_child_main, args=args[0], daemon=True)
            self._worker.start()
        send.close()
        # the worker dies at the limit even if nobody polls (a page left while a query runs)
        self._watchdog = threading.Timer(limits.timeout_s + 0.5, self._kill)
        self._watchdog.daemon = True
        self._watchdog.start()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (at most until the deadline); True when finished."""
        if self._answer is not None:
            return True
        left = self.deadline - time.monotonic()
        wait = max(0.0, left if timeout is None else min(timeout, left))
        if self._receive.poll(wait):
            try:
                self._answer = self._receive.recv()
            except EOFError:
                if time.monotonic() >= self.deadline:  # the watchdog killed it
                    self._answer = ("error", QueryTimeout(self.limits.timeout_s))
                else:
                    self._answer = ("error", GraphError("the query worker stopped without an answer (out of memory?)"))
            self._stop()
            return True
        if time.monotonic() >= self.deadline:
            self._answer = ("error", QueryTimeout(self.limits.timeout_s))
            self._stop()
            return True
        return False

    def done(self) -> bool:
        return self.wait(0)

    def result(self) -> Result:
        """The answer, waiting until it comes or the time limit passes."""
        while not self.wait(None):
            pass
        status, payload = self._answer
        if status == "error":
            raise payload
        if isinstance(payload, tuple):
            from .wire import decode

            self._answer = ("ok", decode(payload))  # decode once, however often result() is asked
        return self._answer[1]

    def cancel(self) -> None:
        """Stop the worker now (a rerun of the page, a Stop button)."""
        if self._answer is None:
            self._answer = ("error", GraphError("the query was cancelled"))
        self._stop()

    def _kill(self) -> None:
        if self._worker.is_alive():
            self._worker.kill()

    def _stop(self) -> None:
        self._watchdog.cancel()
        self._kill()
        self._worker.join(timeout=5)
        self._receive.close()

    def __del__(self) -> None:
        try:
            if self._worker.is_alive():
                self._worker.kill()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def start_limited(store: Store, text: str, bindings: Bindings = None, *, limits: Limits = Limits()) -> RunningQuery:
    """Guard ``text`` (raising at once if refused), then start it in a limited worker."""
    return RunningQuery(store, guard_query(text), bindings, limits)


def run_limited(store: Store, text: str, bindings: Bindings = None, *, limits: Limits = Limits()) -> Result:
    """Guard, then run ``text`` within the time and row limits."""
    return start_limited(store, text, bindings, limits=limits).result()
