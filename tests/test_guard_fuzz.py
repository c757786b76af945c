"""Differential fuzzing: the guard and Oxigraph read the same query (SECURITY T15).

Hypothesis generates hundreds of texts mixing comments ended by LF, CR, CRLF
or an escaped ``\\u000D``, strings holding ``#`` and ``\"\"\"``, escaped
keyword letters, nested groups and hidden SERVICE calls, FROM and updates
(:mod:`fuzz_support`).  For each allowed text, Oxigraph runs the checked
text in this process, with the network, and a listener on 127.0.0.1 must see
no request; the form and the row limit must hold.  ``scripts/fuzz_guard.py``
runs as many examples as asked.
"""

from __future__ import annotations

import pytest
from fuzz_support import Differential, queries
from hypothesis import HealthCheck, given, settings
from sparql_servers import Listener

_LISTENER = Listener()
_DIFF = Differential(_LISTENER)


@pytest.fixture(scope="module", autouse=True)
def _close_listener():
    yield
    _LISTENER.close()


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries(_LISTENER.url))
def test_guard_and_engine_read_the_same_query(text):
    _DIFF.check(text)


def test_the_fuzzer_reaches_every_verdict():
    """The generator is not vacuous: it makes allowed, refused and broken texts, and the listener is live."""
    import urllib.request

    counts = _DIFF.counts
    assert counts["allowed"] >= 50 and counts["refused"] >= 50, counts
    before = len(_LISTENER.hits)
    urllib.request.urlopen(_LISTENER.url + "control", timeout=5).read()
    assert len(_LISTENER.hits) == before + 1
