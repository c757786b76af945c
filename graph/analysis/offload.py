"""Slow measures computed in a forked child while this process goes on.

igraph's functions hold the GIL while they run: at national scale, 3 s of
betweenness and 1 s of harmonic closeness would stop every other thread of
the dashboard (a page being drawn waits for them) and use one core of several.
Past :data:`OFFLOAD_MIN_NODES` organisations, :func:`~.metrics.node_metrics`
starts each in a child made by ``fork``: the child shares the graph already
built (copy on write, nothing is copied or pickled on the way in), computes
the measure with the same code, and sends back only the answer (pickled, so
every float is the same).  Where a child cannot be made or fails, the measure
is computed here, as it would have been.

The child runs at a lower priority (:data:`CHILD_NICENESS`), runs one function on
data already in memory and takes no lock
(another thread of the parent may have held one when it forked: give it a
method of an igraph graph built beforehand, not a function that looks the
graph up), writes the answer to a pipe and ends with ``os._exit`` (no
buffers of the parent flushed twice, no exit handlers).  A child that gives
no answer within :data:`OFFLOAD_TIMEOUT_S` is killed and the measure
computed here.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Callable

__all__ = ["OFFLOAD_MIN_NODES", "Offloaded", "offload"]

#: Past this many organisations, betweenness and harmonic closeness run in forked children.
OFFLOAD_MIN_NODES = 5000
#: Seconds a child may take before it is killed and the measure computed here.
OFFLOAD_TIMEOUT_S = 600.0
#: Added to a child's niceness: the parent (a page being drawn, the findings) keeps its cores.
CHILD_NICENESS = 10
#: Pipe buffer asked for (Linux allows up to 1 MiB unprivileged): the answer of 100,000 floats fits.
PIPE_BYTES = 1 << 20


class Offloaded:
    """``fn(*args, **kwargs)`` running in a forked child; :meth:`result` waits for it."""

    def __init__(self, fn: Callable, *args, **kwargs) -> None:
        self._call = (fn, args, kwargs)
        self._pid: int | None = None
        self._read: int | None = None
        self._lock = threading.Lock()  # one reader of the pipe; the answer kept for the others
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:  # room for the whole answer: the child ends as soon as it is done (Linux)
            import fcntl

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (ImportError, AttributeError, OSError):
            pass
        try:
            pid = os.fork()
        except OSError:  # no fork here (or no room for a child): computed in result()
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, answer, end without running anything of the parent's
            code = 1
            try:
                gc.disable()  # a collection would touch every object: the parent's memory copied
                os.nice(CHILD_NICENESS)  # background work: what this process does meanwhile comes first
                os.close(read)
                try:
                    data = pickle.dumps(("ok", fn(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # noqa: BLE001 - the parent computes it and sees the error itself
                    data = pickle.dumps(("error", None))
                view = memoryview(data)
                while view:
                    view = view[os.write(write, view) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    def result(self):
        """The answer: the child's, or computed here when the child gave none."""
        with self._lock:
            return self._result()

    def _result(self):
        if hasattr(self, "_answer"):
            return self._answer
        answer = None
        if self._read is not None:
            chunks = []
            deadline = time.monotonic() + OFFLOAD_TIMEOUT_S
            waiting = select.poll()  # not select(): the descriptor may be past FD_SETSIZE in a busy process
            waiting.register(self._read, select.POLLIN | select.POLLHUP)
            try:
                while (left := deadline - time.monotonic()) > 0 and waiting.poll(left * 1000):
                    chunk = os.read(self._read, 1 << 20)
                    if not chunk:  # the child closed the pipe: the whole answer is here
                        status, value = pickle.loads(b"".join(chunks))
                        if status == "ok":
                            answer = (value,)
                        break
                    chunks.append(chunk)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError):
                answer = None
            finally:
                self.close()
        if answer is None:
            fn, args, kwargs = self._call
            answer = (fn(*args, **kwargs),)
        self._answer = answer[0]
        return self._answer

    def close(self) -> None:
        """Stop the child (if it still runs) and collect it."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            pid, self._pid = self._pid, None
            try:
                if os.waitpid(pid, os.WNOHANG)[0] == 0:  # still ours and running (its pid not reused): stop it
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
            except (ChildProcessError, ProcessLookupError):  # collected already
                pass

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit os may be half gone
            pass


def offload(enabled: bool, fn: Callable, *args, **kwargs) -> Offloaded:
    """``fn(*args, **kwargs)`` in a forked child when ``enabled`` and ``fork`` exists, else
    computed when its :meth:`~Offloaded.result` is asked for."""
    if enabled and hasattr(os, "fork"):
        return Offloaded(fn, *args, **kwargs)
    lazy = Offloaded.__new__(Offloaded)
    lazy._call, lazy._pid, lazy._read, lazy._lock = (fn, args, kwargs), None, None, threading.Lock()
    return lazy
