"""rdflib's SPARQL parser, one parse at a time in this process.

pyparsing (3.3) learns how many arguments each parse action takes on the
action's first call (``pyparsing.core._trim_arity``), without a lock: two
threads that parse at once for the first time can teach it a wrong count, and
from then on every parse through that action fails ("Param.postParse2()
missing 1 required positional argument: 'tokenList'") until the process
ends.  The dashboard parses in several threads (the findings in the
background, the SHACL check of a saved form, pySHACL's SPARQL constraints),
so :func:`install` makes every parse of rdflib's query and update grammars
take one lock.  Parsing is quick; what runs the query is not serialised.

The modules that parse with rdflib (``graph.guard``, ``graph.validate``,
``graph.analysis.expectations``, the rdflib store) call :func:`install` when
they are imported or used; it is idempotent.
"""

from __future__ import annotations

import threading

__all__ = ["install"]

_LOCK = threading.RLock()


def install() -> None:
    """Make rdflib's ``parseQuery`` and ``parseUpdate`` (and so ``prepareQuery``,
    ``Graph.query`` and pySHACL's SPARQL) parse under one process-wide lock."""
    from rdflib.plugins.sparql import parser

    with _LOCK:
        for element in (parser.Query, parser.UpdateUnit):
            if getattr(element, "_parse_locked", False):
                continue
            parse = element.parse_string

            def locked(*args, _parse=parse, **kwargs):
                with _LOCK:
                    return _parse(*args, **kwargs)

            element.parse_string = locked  # the instance's: rdflib calls Query.parse_string(...)
            element._parse_locked = True
