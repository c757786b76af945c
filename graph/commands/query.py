"""query: run a saved question, a .rq file or SPARQL text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ..errors import GraphError
from ..guard import Limits, run_limited
from ..library import coerce, expand_iri, load_library
from ..results import FORMATS, to_csv, to_json, to_table, to_tsv, to_turtle
from ..store import open_store
from ..wording import count

NAME = "query"
HELP = "run a saved question (by name), a .rq file or SPARQL text"


def add_arguments(p) -> None:
    p.add_argument("query", help="a saved query's name (see `queries`), a .rq file, or SPARQL text ('-' reads stdin)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--bind", action="append", default=[], metavar="NAME=VALUE", help="bind a variable (repeatable); IRIs as <...> or prefix:local")


def _guess(value: str, name: str):
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return coerce("date", value, field=name)
    if re.fullmatch(r"-?\d+", value):
        return coerce("integer", value, field=name)
    if value.startswith("<") or re.match(r"^[a-z][\w-]*:[^/\s]", value) or value.startswith(("http://", "https://")):
        try:
            return expand_iri(value, field=name)
        except ValueError:
            pass
    return coerce("string", value, field=name)


def run(args, settings) -> int:
    pairs = {}
    for b in args.bind:
        name, sep, value = b.partition("=")
        if not sep or not name.strip():
            raise GraphError(f"--bind {b!r}: expected NAME=VALUE")
        pairs[name.strip().lstrip("?$")] = value
    library = load_library()
    if args.query in library:
        saved = library[args.query]
        bindings = saved.bind(pairs)
        text = saved.text
    else:
        if args.query == "-":
            text = sys.stdin.read()
        elif args.query.endswith(".rq") or Path(args.query).is_file():
            path = Path(args.query)
            if not path.is_file():
                raise GraphError(f"{path}: file not found")
            text = path.read_text(encoding="utf-8")
        else:
            text = args.query
        bindings = {k: _guess(v, k) for k, v in pairs.items()}
    store = open_store(settings)
    result = run_limited(store, text, bindings, limits=Limits.from_settings(settings))
    render = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "turtle": to_turtle}[args.format]
    try:
        out = render(result)
    except ValueError as exc:
        raise GraphError(f"--format {args.format}: {exc}") from None
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if result.truncated:
        print(f"note: truncated at {count(settings.max_rows, 'row', 'en')} (GRAPH_MAX_ROWS)", file=sys.stderr)
    return 0
