# ruff: noqa: F811  (fixtures imported from sparql_servers)
"""The query workers' network sandbox is checked, and its absence is said (SECURITY T1, T15).

Both paths run for real: on this kernel a worker gets a network namespace of
its own (its ``/proc/self/ns/net`` differs from the parent's); with
``GRAPH_WORKER_NETNS=off`` (what a kernel without user namespaces gives) the
worker keeps the parent's namespace, the CLI and ``serve`` say so once at
start, and the query guard still refuses SERVICE with nothing fetched.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from sparql_servers import ROOT, listener, start_endpoint, stop  # noqa: F401

from graph import workers
from graph.workers import network_sandbox, run_once

WARNING = "warning: query workers keep the network"


def _net_inode() -> int:
    return os.stat("/proc/self/ns/net").st_ino


@pytest.fixture
def fresh_probe():
    network_sandbox.cache_clear()
    yield
    network_sandbox.cache_clear()


def test_a_worker_has_a_network_namespace_of_its_own(fresh_probe):
    if network_sandbox() is not None:
        pytest.skip(f"this kernel gives no network namespace: {network_sandbox()}")
    status, inode = run_once(_net_inode, (), 10.0)
    assert status == "ok" and inode != _net_inode()


def test_switched_off_the_worker_keeps_the_network_and_the_probe_says_why(fresh_probe, monkeypatch):
    monkeypatch.setenv("GRAPH_WORKER_NETNS", "off")
    assert "GRAPH_WORKER_NETNS=off" in network_sandbox()
    status, inode = run_once(_net_inode, (), 10.0)
    assert status == "ok" and inode == _net_inode()  # the skip is real, not a label


def test_a_failed_unshare_is_reported_not_ignored(monkeypatch):
    """unshare's return code is read: a refused call (here: flags the kernel rejects) is a reason, not silence."""
    monkeypatch.setattr(workers, "_CLONE_NEWNET", -1)  # EINVAL from the real kernel call
    status, reason = run_once(workers._unshare_network, (), 10.0, network=True)
    assert status == "ok" and reason and "unshare failed" in reason


def _cli(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "graph", "query", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_cli_says_it_once_and_every_other_guard_holds(listener, tiny_file):
    data = ["--data", str(tiny_file)]
    quiet = _cli({}, "ASK { ?s ?p ?o }", *data)
    if network_sandbox() is None:
        assert WARNING not in quiet.stderr
    off = _cli({"GRAPH_WORKER_NETNS": "off"}, "ASK { ?s ?p ?o }", *data)
    assert off.returncode == 0 and off.stderr.count(WARNING) == 1
    refused = _cli({"GRAPH_WORKER_NETNS": "off"}, f"SELECT * WHERE {{ # x\rSERVICE <{listener.url}cli> {{ ?s ?p ?o }}\n}}", *data)
    assert refused.returncode == 2 and "SERVICE" in refused.stderr
    assert listener.hits == []


def test_serve_says_it_once_at_start_and_still_refuses_service(listener, tiny_file):
    url, proc = start_endpoint({"GRAPH_WORKER_NETNS": "off", "GRAPH_DATA": str(tiny_file)})
    try:
        r = requests.post(url, data={"query": f"SELECT * WHERE {{ # x\rSERVICE <{listener.url}serve> {{ ?s ?p ?o }}\n}}"}, timeout=10)
        assert r.status_code == 403
        assert requests.get(url, params={"query": "ASK { ?s ?p ?o }"}, timeout=10).json()["boolean"] is True
    finally:
        stop(proc)
    assert proc.stderr.read().decode().count(WARNING) == 1
    assert listener.hits == []


def test_without_a_sandbox_unguarded_text_never_runs_and_errors_keep_their_place(fresh_probe, monkeypatch):
    """The syntax-error locator runs Oxigraph on the text as typed: never where the worker keeps the network."""
    from graph.errors import QueryError
    from graph.guard import guard_query

    ran = run_once(_net_inode, (), 10.0, sandboxed_only=True)
    if network_sandbox() is None:
        assert ran[0] == "ok"
    monkeypatch.setenv("GRAPH_WORKER_NETNS", "off")
    status, error = run_once(_net_inode, (), 10.0, sandboxed_only=True)
    assert status == "error" and "not run without a network sandbox" in str(error)
    with pytest.raises(QueryError) as info:
        guard_query("SELECT * WHERE {\n  ?s ?p }")
    assert info.value.line == 2 and info.value.column is not None  # rdflib's place: less exact, still a place

