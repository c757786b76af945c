"""query: run a saved question, a .rq file or SPARQL text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

NAME = "query"
HELP = "run a saved question (by name), a .rq file or SPARQL text"


def add_arguments(p) -> None:
    from ..results import FORMATS

    p.add_argument("query", help="a saved query's name (see `queries`), a .rq file, or SPARQL text ('-' reads stdin)")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--raw",
        action="store_true",
        help="csv/tsv: keep values exactly; by default a cell starting with = + - @ (not a number) gets a leading ' so Excel shows it as text",
    )
    p.add_argument(
        "--bind", action="append", default=[], metavar="NAME=VALUE", help="bind a variable (repeatable); IRIs as <...> or prefix:local"
    )


def _guess(value: str, name: str):
    from ..library import coerce, expand_iri

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


def _names_a_file(text: str) -> bool:
    """True for ``*.rq`` or an existing file; SPARQL text of any length is never taken for a path."""
    if "\n" in text or "{" in text or len(text) > 4096:
        return False
    if text.endswith(".rq"):
        return True
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return False


def _read_query_file(path: Path) -> str:
    from ..errors import GraphError
    from ..guard import MAX_QUERY_CHARS
    from ..io import read_limited

    data = read_limited(path, max_bytes=4 * MAX_QUERY_CHARS, setting="the query length limit")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GraphError(f"{path}: not UTF-8 (byte 0x{data[exc.start]:02X} at offset {exc.start}); save the query as UTF-8") from None


def run(args, workspace) -> int:
    from ..errors import GraphError
    from ..guard import MAX_QUERY_CHARS, Limits, run_limited
    from ..library import load_library
    from ..results import to_csv, to_json, to_table, to_tsv, to_turtle
    from ..wording import count

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
            text = sys.stdin.read(MAX_QUERY_CHARS + 1)  # the guard refuses anything longer
        elif _names_a_file(args.query):
            text = _read_query_file(Path(args.query))
        else:
            text = args.query
        bindings = {k: _guess(v, k) for k, v in pairs.items()}
    store = workspace.store
    result = run_limited(store, text, bindings, limits=Limits.from_settings(workspace.settings))
    render = {
        "table": to_table,
        "csv": lambda r: to_csv(r, raw=args.raw),
        "tsv": lambda r: to_tsv(r, raw=args.raw),
        "json": to_json,
        "turtle": to_turtle,
    }[args.format]
    try:
        out = render(result)
    except ValueError as exc:
        raise GraphError(f"--format {args.format}: {exc}") from None
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if result.truncated:
        print(f"note: truncated at {count(workspace.settings.max_rows, 'row', 'en')} (GRAPH_MAX_ROWS)", file=sys.stderr)
    return 0
