"""rdflib's SPARQL parser, parsed in several threads at once for the first time (graph/sparql_parse_lock.py).

Without the lock, four threads parsing 20 of the project's queries at once in
a fresh process left pyparsing's parse actions with wrong argument counts: 75-80
TypeErrors in the threads, and 19-20 of the 20 queries failing in every later
parse of that process ("Param.postParse2() missing 1 required positional
argument: 'tokenList'"), as a dashboard that computed its findings in the
background beside a form's check did.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RACE = """
import glob, sys, threading
import {module}  # installs the lock on import
from rdflib.plugins.sparql.parser import parseQuery
from graph.model import PREFIXES

prefixes = "".join(f"PREFIX {{k}}: <{{v}}>\\n" for k, v in PREFIXES.items())
texts = [prefixes + open(p, encoding="utf-8").read() for p in sorted(glob.glob("graph/queries/**/*.rq", recursive=True))][:20]
barrier, errors = threading.Barrier(4), []

def run():
    barrier.wait()
    for text in texts:
        try:
            parseQuery(text)
        except TypeError as exc:
            errors.append(exc)

threads = [threading.Thread(target=run) for _ in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
broken = 0
for text in texts:
    try:
        parseQuery(text)
    except TypeError:
        broken += 1
print(len(texts), len(errors), broken)
"""


@pytest.mark.parametrize("module", ["graph.guard", "graph.validate"])
def test_parsing_in_many_threads_at_once_leaves_the_parser_whole(module):
    out = subprocess.run([sys.executable, "-c", RACE.format(module=module)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    texts, errors, broken = map(int, out.stdout.split())
    assert texts == 20  # enough parse actions met for the first time at once
    assert (errors, broken) == (0, 0)
