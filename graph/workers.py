"""Killable query workers: forked processes with no network and bounded memory.

Neither rdflib nor pyoxigraph can stop a query from Python, so untrusted
queries run in a forked worker that can be killed (SECURITY T8).  Forking a
process that holds a million-triple store costs tens of milliseconds, and the
first query in a fresh fork pays again in copy-on-write page faults, so workers
are kept: each store has a small :class:`WorkerPool` of forked workers that
answer one query at a time over a pipe.  A worker that overruns its limit is
killed and a new one is forked for the next query.

A worker holds a snapshot of the store as it was when forked.  The pool
watches the store's writing methods (``update``, ``add_graph``,
``load_files``) and retires workers forked before the last write.

In every worker: a fresh network namespace (no network at all, where the
kernel allows unprivileged user namespaces; remote stores keep theirs), and
an address-space cap of the inherited size plus ``memory_bytes``.  Whether
the namespace is there is checked (the namespace's inode changes), probed
once per process (:func:`network_sandbox`) and, where it is missing, said
once on stderr; ``GRAPH_WORKER_NETNS=off`` skips it (machines that forbid
user namespaces, and the test of that path).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import heapq
import itertools
import multiprocessing
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable

from .errors import GraphError
from .settings import read_setting
from .store import Store

__all__ = ["Worker", "WorkerPool", "pool_for", "generation", "run_once", "isolate", "network_sandbox",
           "warn_once_without_sandbox", "Watchdog", "watchdog"]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_CTX = multiprocessing.get_context("fork")


def _unshare_network() -> str | None:
    """Move the calling process into a fresh network namespace; None when that worked, else why not.

    It worked only if ``/proc/self/ns/net`` now names another namespace:
    the return code of ``unshare`` alone is not taken on trust.
    """
    if not read_setting("worker_netns"):
        return "switched off by GRAPH_WORKER_NETNS=off"
    try:
        before = os.stat("/proc/self/ns/net").st_ino
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            return f"user namespaces are unavailable: unshare failed: {os.strerror(ctypes.get_errno())}"
        if os.stat("/proc/self/ns/net").st_ino == before:
            return "unshare returned but the network namespace did not change"
    except (OSError, AttributeError) as exc:
        return f"user namespaces are unavailable: {exc}"
    return None


def isolate(memory_bytes: int | None, network: bool) -> str | None:
    """In a worker: no network (where user namespaces are allowed), bounded memory.

    Returns why the worker kept the network (None when it has none or was
    meant to keep it).  Without a namespace every other guard still holds:
    the query guard refuses SERVICE, LOAD and remote FROM before any worker.
    """
    reason = None if network else _unshare_network()
    if memory_bytes:
        os.environ["RUST_BACKTRACE"] = "0"  # a failed allocation aborts with one line, not a 10 kB backtrace
        try:
            import resource

            with open("/proc/self/statm") as f:
                pages = int(f.read().split()[0])
            cap = pages * os.sysconf("SC_PAGE_SIZE") + memory_bytes
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        except (OSError, ValueError, ImportError):
            pass
    return reason


@functools.lru_cache(maxsize=1)
def network_sandbox() -> str | None:
    """Whether query workers get a network namespace here: None if so, else why not (probed once, in a fork)."""
    answer = run_once(_unshare_network, (), 10.0, network=True)
    if answer is None or answer[0] != "ok":
        return "the probe of user namespaces did not answer"
    return answer[1]


def warn_once_without_sandbox() -> None:
    """Say once per process, on stderr, that query workers keep the network (CLI, dashboard, serve)."""
    global _WARNED
    if _WARNED:
        return
    _WARNED = True
    if (reason := network_sandbox()) is not None:
        print(f"warning: query workers keep the network ({reason}); SERVICE, LOAD and remote FROM are still refused "
              "by the query guard", file=sys.stderr, flush=True)


_WARNED = False


def _answer(fn, args) -> tuple[str, object]:
    try:
        return ("ok", fn(*args))
    except GraphError as exc:
        return ("error", exc)
    except MemoryError:
        return ("error", GraphError("the query needed more memory than a query may use"))
    except Exception as exc:  # noqa: BLE001 - report, never hang the parent
        return ("error", GraphError(f"{exc.__class__.__name__}: {exc}"))


# ---------------------------------------------------------------- one-shot


def _once_main(fn, args, conn, network: bool, memory_bytes: int | None, sandboxed_only: bool) -> None:
    try:
        reason = isolate(memory_bytes, network)
        if reason is not None and sandboxed_only:
            conn.send(("error", GraphError(f"not run without a network sandbox: {reason}")))
        else:
            conn.send(_answer(fn, args))
    finally:
        conn.close()


def run_once(fn, args: tuple, timeout_s: float, *, network: bool = False, memory_bytes: int | None = None,
             sandboxed_only: bool = False, hold=None):
    """``fn(*args)`` in a fresh forked worker: ("ok", value), ("error", GraphError), or None at the timeout.

    ``sandboxed_only``: where the worker could not drop the network, ``fn`` is not run at all (an error).
    ``hold``: a lock held while forking (no other thread is inside what it guards at that moment).
    """
    receive, send = _CTX.Pipe(duplex=False)
    worker = _CTX.Process(target=_once_main, args=(fn, args, send, network, memory_bytes, sandboxed_only), daemon=True)
    with hold if hold is not None else contextlib.nullcontext():
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


# ---------------------------------------------------------------- kept workers

_WRITERS = ("update", "add_graph", "load_files")


def generation(store: Store) -> int:
    """How many times ``store`` was written through its writing methods (tracked from the first call)."""
    if "_worker_generation" not in vars(store):
        store._worker_generation = 0
        for name in _WRITERS:
            method = getattr(store, name)

            def counted(*args, _method=method, **kwargs):
                try:
                    return _method(*args, **kwargs)
                finally:
                    store._worker_generation += 1

            setattr(store, name, counted)
    return store._worker_generation


def _serve(store: Store, conn, network: bool, memory_bytes: int | None) -> None:
    from .wire import run_encoded

    isolate(memory_bytes, network)
    reset = getattr(store, "reset_connections", None)
    if reset is not None:  # a remote store must not share sockets with its parent
        reset()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        text, bindings, max_rows, dataset = job
        answer = _answer(run_encoded, (store, text, bindings, max_rows, dataset))
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return
        if answer[0] == "error" and "memory" in str(answer[1]):
            return  # a worker that ran out of memory is not reused


class Worker:
    """One forked worker over a snapshot of a store."""

    def __init__(self, store: Store, *, network: bool, memory_bytes: int | None) -> None:
        self.generation = generation(store)
        self.owner = os.getpid()
        self.conn, child = _CTX.Pipe(duplex=True)
        with store.lock:  # no other thread is inside the store while we fork
            self.proc = _CTX.Process(target=_serve, args=(store, child, network, memory_bytes), daemon=True)
            self.proc.start()
        child.close()

    def alive(self) -> bool:
        return self.owner == os.getpid() and self.proc.is_alive()

    def kill(self) -> None:
        if self.owner != os.getpid():
            return  # a forked copy of the pool (in another worker) does not own this worker
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Idle workers of one store, handed out one query at a time."""

    def __init__(self, store: Store, *, network: bool, memory_bytes: int | None, keep: int = 2) -> None:
        self._store = weakref.ref(store)
        self.network = network
        self.memory_bytes = memory_bytes
        self.keep = keep
        self._idle: list[Worker] = []
        self._lock = threading.Lock()

    def acquire(self) -> Worker:
        store = self._store()
        if store is None:
            raise GraphError("the store is gone")
        current = generation(store)
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive() and worker.generation == current:
                    return worker
                worker.kill()
        return Worker(store, network=self.network, memory_bytes=self.memory_bytes)

    def release(self, worker: Worker) -> None:
        store = self._store()
        with self._lock:
            if store is not None and worker.alive() and worker.generation == generation(store) and len(self._idle) < self.keep:
                self._idle.append(worker)
                return
        worker.kill()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


_POOLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_POOLS_LOCK = threading.Lock()


def pool_for(store: Store, *, memory_bytes: int | None) -> WorkerPool:
    """The worker pool of ``store`` (made on first use; closed when the store is dropped)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(store)
        if pool is None:
            network = store.backend == "remote"
            if not network:
                warn_once_without_sandbox()
            pool = WorkerPool(store, network=network, memory_bytes=None if network else memory_bytes)
            _POOLS[store] = pool
            weakref.finalize(store, pool.close)
        return pool


# ---------------------------------------------------------------- one watchdog


class Watchdog:
    """One thread that calls each scheduled function at its time unless it was cancelled.

    It kills a worker whose query overran even when nobody waits for the
    answer (a page left while a query runs).  A ``threading.Timer`` per
    query did the same, but starting a thread costs about a millisecond,
    more than a small query takes.
    """

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked copy must not inherit a held lock

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[list] = []  # [when, n, function or None when cancelled]
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, delay_s: float, fn: Callable[[], object]) -> list:
        """Call ``fn()`` in ``delay_s`` seconds; the returned handle is for :meth:`cancel`."""
        entry = [time.monotonic() + delay_s, next(self._count), fn]
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="query-watchdog", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, entry)
            if self._heap[0] is entry:  # otherwise the thread already wakes up earlier than this is due
                self._cond.notify()
        return entry

    def cancel(self, entry: list) -> None:
        entry[2] = None  # dropped from the heap when its time comes

    def pending(self) -> int:
        """How many calls are still to come (for tests)."""
        with self._cond:
            return sum(1 for e in self._heap if e[2] is not None)

    def _run(self) -> None:
        while True:
            due = []
            with self._cond:
                now = time.monotonic()
                while self._heap and (self._heap[0][2] is None or self._heap[0][0] <= now):
                    fn = heapq.heappop(self._heap)[2]
                    if fn is not None:
                        due.append(fn)
                if not due:
                    self._cond.wait(self._heap[0][0] - now if self._heap else None)
            for fn in due:
                try:
                    fn()
                except Exception:  # noqa: BLE001 - one failed kill must not stop the others
                    pass


watchdog = Watchdog()
