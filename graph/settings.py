"""Settings: one table, built once (from the environment or the CLI) and passed down.

:data:`SETTINGS` lists every setting, datasette-style: its name, default,
parser and help.  The table drives :meth:`Settings.from_env`, the CLI's
``python -m graph settings`` listing and ``docs/settings.md`` (a test fails
when the document disagrees with the table).  **Adding a setting is one row
here**; the :class:`Settings` value object grows the field by itself.

>>> s = Settings.from_env({"GRAPH_MAX_ROWS": "50"})
>>> s.max_rows, s.backend
(50, 'oxigraph')
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, make_dataclass, replace
from pathlib import Path
from typing import Any

from .errors import SettingsError

__all__ = [
    "Setting",
    "SETTINGS",
    "Settings",
    "settings_markdown",
    "read_setting",
    "data_signature",
    "environment",
    "graph_keys",
    "PROJECT_ROOT",
    "DATA_DIR",
    "DEFAULT_DATA",
    "SCHEMA_FILES",
    "SHAPES_FILE",
    "EXPECTATIONS_FILE",
    "BACKENDS",
    "AUTH_SCHEMES",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
#: The bundled instance data, used when no data path is given (edits go to the first;
#: data/absences.ttl holds the verified absences, see graph/analysis/absences.py).
DEFAULT_DATA: tuple[Path, ...] = (DATA_DIR / "entities.ttl", DATA_DIR / "absences.ttl")
#: Always loaded beside the data, so a user's file needs only its instances.
SCHEMA_FILES: tuple[Path, ...] = (DATA_DIR / "vocabulary.ttl", DATA_DIR / "territory.ttl")
SHAPES_FILE = DATA_DIR / "shapes.ttl"
#: The bundled expectation rules (the gap analysis).
EXPECTATIONS_FILE = DATA_DIR / "expectations.ttl"
BACKENDS = ("oxigraph", "rdflib", "remote")
AUTH_SCHEMES = ("basic", "digest")


# ---------------------------------------------------------------- parsers: text of a variable -> value


def _paths(raw: str) -> tuple[Path, ...]:
    return tuple(Path(p) for p in raw.split(os.pathsep) if p.strip())


def _number(conv: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        try:
            return conv(raw)
        except ValueError:
            raise ValueError(f"not a number: {raw!r}") from None

    parse.__name__ = conv.__name__
    return parse


def _flag(raw: str) -> bool:
    low = raw.lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a yes/no value: {raw!r}")


def _hosts(raw: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in raw.split(",") if h.strip())


def _on_off(raw: str) -> bool:
    return raw.lower() != "off"


def _cache_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_CACHE_HOME/graph``, by default ``~/.cache/graph``."""
    base = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path(env.get("HOME") or Path.home()) / ".cache") / "graph"


def _dir_or_off(raw: str) -> Path | None:
    return None if raw.lower() == "off" else Path(raw)


def _state_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_STATE_HOME/graph``, by default ``~/.local/state/graph``: per user, outside the data."""
    base = env.get("XDG_STATE_HOME", "").strip()
    return (Path(base) if base else Path(env.get("HOME") or Path.home()) / ".local" / "state") / "graph"


@dataclass(frozen=True)
class Setting:
    """One row of the table.

    ``name`` is the attribute of :class:`Settings`; ``env`` the variable it is
    read from (``GRAPH_<NAME>`` unless given; ``None``: set only by code);
    ``default`` a value, or a function of the environment; ``parser`` turns
    the variable's text into the value (a ValueError names the problem);
    ``shown`` is how the docs write the default; ``cli`` the option that
    overrides it; a ``secret`` never appears in a repr or a listing.
    """

    name: str
    default: Any
    parser: Callable[[str], Any]
    help: str
    env: str | None = ""
    shown: str = ""
    cli: str = ""
    secret: bool = False

    @property
    def variable(self) -> str | None:
        return ("GRAPH_" + self.name.upper()) if self.env == "" else self.env

    def default_for(self, env: Mapping[str, str]) -> Any:
        return self.default(env) if callable(self.default) else self.default

    @property
    def default_text(self) -> str:
        if self.shown:
            return self.shown
        if self.default is None:
            return ""
        if isinstance(self.default, tuple):
            return ", ".join(f"`{_relative(p)}`" for p in self.default)
        return str(_relative(self.default)) if isinstance(self.default, Path) else str(self.default)


def _relative(p: Path) -> Path:
    try:
        return Path(p).relative_to(PROJECT_ROOT)
    except ValueError:
        return Path(p)


#: Every setting.  One row per setting; order is the order of the docs.
SETTINGS: tuple[Setting, ...] = (
    Setting("data", DEFAULT_DATA, _paths, "data files, separated by `:`; the vocabulary and territory files are always loaded beside them; edits go to the first", cli="--data PATH..."),
    Setting("backend", "oxigraph", str, "`oxigraph`, `rdflib` or `remote`", shown="`oxigraph` (`remote` when a query URL is set)", cli="--backend"),
    Setting("query_url", None, str, "query URL of a SPARQL 1.1 endpoint (remote backend)", env="GRAPH_SPARQL_QUERY_URL"),
    Setting("update_url", None, str, "update URL of that endpoint (edits go there)", env="GRAPH_SPARQL_UPDATE_URL"),
    Setting("user", None, str, "HTTP user for the endpoint", env="GRAPH_SPARQL_USER", secret=True),
    Setting("password", None, str, "its password", env="GRAPH_SPARQL_PASSWORD", secret=True),
    Setting("sparql_auth", "basic", str.lower, "HTTP authentication scheme: `basic` or `digest` (Virtuoso's `/sparql-auth`)"),
    Setting("sparql_graph", None, str, "the named graph that holds the data: sent as `default-graph-uri` with every query, and the graph edits write to (`INSERT DATA { GRAPH <...> { ... } }`); unset: the server's default graph"),
    Setting("server_max_rows", None, _number(int), "the server's own cap on an answer (Virtuoso's `ResultSetMaxRows`): an answer that long counts as cut (Virtuoso says so on SELECT only)", env="GRAPH_SPARQL_SERVER_MAX_ROWS"),
    Setting("timeout_s", 10.0, _number(float), "seconds an untrusted query may run", env="GRAPH_QUERY_TIMEOUT", shown="10"),
    Setting("max_rows", 10_000, _number(int), "rows an untrusted query may return (then \"truncated\")"),
    Setting("query_memory_mb", 2048, _number(int), "memory (MiB) a query worker may allocate beyond the store it holds; a query that needs more stops alone (the console shows an error, `serve` answers 503)"),
    Setting("max_file_bytes", 1 << 30, _number(int), "largest data file read; at most this many bytes are read, and only from a regular file (no device, FIFO or link to one)"),
    Setting("lan", False, _flag, "`1`: the dashboard listens on every interface for a meeting, not only 127.0.0.1, and warns when the editor password is weak ([security.md](security.md#dashboard)); read by `ui/launch.py` before the dashboard starts", shown="off", cli="./run app --lan"),
    Setting("include_schema", True, _flag, "load the vocabulary and territory files beside the data (`0` for a data set that carries its own)", shown="1"),
    Setting("editor_password", None, str, "password (or token) that switches on editing in the dashboard; unset: the data page is read-only and shows no forms. Best kept in Streamlit secrets (above). Wrong tries wait 1, 2, 4 … s before the next ([security.md](security.md#dashboard))", secret=True),
    Setting("expectations", EXPECTATIONS_FILE, Path, "the expectation rules (SHACL) the gap analysis checks"),
    Setting("state_dir", _state_dir, Path, "per-user state: the change log of a remote store lives here", shown="`$XDG_STATE_HOME/graph` (`~/.local/state/graph`)"),
    Setting("cache_dir", _cache_dir, _dir_or_off, "where the dashboard keeps, for each version of the files (by the SHA-256 of their bytes and of the code), the first page's answers (counts, tables, the agreements' timeline) and, on large data once the background warm-up has run, the network and the gap report: a later start on the same files shows the first page while the store loads and the Network and Gaps pages without computing them ([architecture.md](architecture.md#saved-pages)); `off`: none kept", shown="`$XDG_CACHE_HOME/graph` (`~/.cache/graph`)"),
    Setting("history", None, Path, "change log (JSON lines) used by `history`, `undo` and the data page; edits go to the first data file, its lock is `<file>.lock`", shown="beside the edited file: `data/entities.history.jsonl`; remote: `<state dir>/remote-<hash of the query URL>.history.jsonl`"),
    Setting("serve_hosts", (), _hosts, "more names (comma-separated) that `graph serve` answers to in the `Host` header (or `--allow-host`, repeatable); any other name gets 421, so a web page whose name was re-pointed at this machine (DNS rebinding) gets nothing. Add the machine's LAN name when serving a meeting with `--host 0.0.0.0`", shown="`localhost`, `127.0.0.1`, `[::1]` and the `--host` address", cli="serve --allow-host NAME"),
    Setting("survey_round", None, str, "limits the survey's respondent app (`./run survey`) to one round: links of other rounds are refused ([survey.md](survey.md)); read by `ui/survey_form.py`", shown="every round beside the data file"),
    Setting("worker_netns", True, _on_off, "`off` skips the query workers' network namespace (for machines that forbid user namespaces; every other guard stays). Where the namespace cannot be made, the CLI, dashboard and `serve` say so once at start; read by `graph/workers.py` in each worker", shown="on"),
)
_BY_NAME = {s.name: s for s in SETTINGS}


class _Behaviour:
    """Methods of :class:`Settings` (the fields come from :data:`SETTINGS`)."""

    __slots__ = ()

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise SettingsError(f"GRAPH_BACKEND: unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")
        if self.backend == "remote" and not self.query_url:
            raise SettingsError("GRAPH_SPARQL_QUERY_URL: the remote backend needs a query URL")
        if self.timeout_s <= 0:
            raise SettingsError(f"GRAPH_QUERY_TIMEOUT: must be positive, got {self.timeout_s}")
        if self.max_rows <= 0:
            raise SettingsError(f"GRAPH_MAX_ROWS: must be positive, got {self.max_rows}")
        if self.sparql_auth not in AUTH_SCHEMES:
            raise SettingsError(f"GRAPH_SPARQL_AUTH: unknown scheme {self.sparql_auth!r}; choose one of {', '.join(AUTH_SCHEMES)}")
        if self.sparql_graph is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+", self.sparql_graph):
            raise SettingsError(f"GRAPH_SPARQL_GRAPH: not an absolute IRI: {self.sparql_graph!r}")
        if self.server_max_rows is not None and self.server_max_rows <= 0:
            raise SettingsError(f"GRAPH_SPARQL_SERVER_MAX_ROWS: must be positive, got {self.server_max_rows}")
        if self.query_memory_mb < 64:
            raise SettingsError(f"GRAPH_QUERY_MEMORY_MB: at least 64, got {self.query_memory_mb}")

    @property
    def edit_file(self) -> Path:
        """The data file that edits are written to: the first data file."""
        return Path(self.data[0])

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file the store loads: the schema files, then the data."""
        return (SCHEMA_FILES if self.include_schema else ()) + tuple(self.data)

    @property
    def history_file(self) -> Path:
        """The change log: ``history`` if set; else beside the edited file; for a
        remote store, one file per endpoint in the per-user state directory."""
        if self.history is not None:
            return Path(self.history)
        if self.backend == "remote":
            key = hashlib.sha256(str(self.query_url).encode()).hexdigest()[:12]
            return Path(self.state_dir) / f"remote-{key}.history.jsonl"
        p = self.edit_file
        return p.with_name(p.stem + ".history.jsonl")

    def with_data(self, paths: list[str] | tuple[Path, ...] | None) -> Settings:
        """The same settings over other data files (``--data``); None keeps them."""
        if not paths:
            return self
        return replace(self, data=tuple(Path(p) for p in paths))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Read ``GRAPH_*`` variables; an empty variable counts as unset; ``overrides``
        (CLI options) win where not None."""
        env = os.environ if env is None else env
        kwargs: dict[str, Any] = {}
        for s in SETTINGS:
            kwargs[s.name] = read_setting(s.name, env)
        if kwargs["query_url"] and not env.get("GRAPH_BACKEND", "").strip():
            kwargs["backend"] = "remote"
        kwargs.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kwargs)


def graph_keys(found: Mapping) -> dict[str, str]:
    """The top-level ``GRAPH_*`` keys of a secrets mapping, as text (tables left out)."""
    return {k: str(v) for k, v in found.items() if k.startswith("GRAPH_") and not isinstance(v, Mapping)}


def environment() -> dict[str, str]:
    """What the settings read of the process environment: ``GRAPH_*``, and ``XDG_*``/``HOME`` for per-user paths
    (the dashboard and its launcher, which reads them before Streamlit is imported)."""
    return {k: v for k, v in os.environ.items() if k.startswith(("GRAPH_", "XDG_", "HOME"))}


def read_setting(name: str, env: Mapping[str, str] | None = None) -> Any:
    """One setting read from the environment through its row of :data:`SETTINGS`,
    for code that runs before or apart from a :class:`Settings` (the launcher,
    a forked query worker); an empty variable counts as unset.

    >>> read_setting("lan", {"GRAPH_LAN": "yes"}), read_setting("worker_netns", {"GRAPH_WORKER_NETNS": " OFF "})
    (True, False)
    >>> read_setting("survey_round", {})
    """
    row = _BY_NAME[name]
    env = os.environ if env is None else env
    raw = env.get(row.variable, "").strip() if row.variable else ""
    if not raw:
        return row.default_for(env)
    try:
        return row.parser(raw)
    except ValueError as exc:
        raise SettingsError(f"{row.variable}: {exc}") from None


#: Where the data is, which store holds it, and the limits of untrusted queries:
#: a frozen dataclass with one field per row of :data:`SETTINGS`.
def _field(s: Setting):
    if callable(s.default):  # a default that depends on the environment
        return field(default_factory=lambda: s.default_for(os.environ), repr=not s.secret)
    return field(default=s.default, repr=not s.secret)


Settings = make_dataclass("Settings", [(s.name, Any, _field(s)) for s in SETTINGS], bases=(_Behaviour,), frozen=True)
Settings.__module__ = __name__  # make_dataclass(module=) is Python 3.12+
Settings.__doc__ = "Where the data is, which store holds it, and the limits of untrusted queries (one field per row of SETTINGS)."


def settings_markdown() -> str:
    """The table of ``docs/settings.md``, made from :data:`SETTINGS`."""
    lines = ["| variable | CLI | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        if not s.variable:
            continue
        cli = f"`{s.cli}`" if s.cli else ""
        default = s.default_text
        if default and not default.startswith("`") and " " not in default:
            default = f"`{default}`"
        cells = (f"`{s.variable}`", cli, default, s.help)
        lines.append("|" + "|".join(f" {c} " if c else " " for c in cells) + "|")
    return "\n".join(lines) + "\n"


def _stat(path: Path) -> tuple[str, int, int]:
    try:
        s = path.stat()
        return (str(path), s.st_mtime_ns, s.st_size)
    except OSError:
        return (str(path), -1, -1)


def data_signature(settings: Settings) -> str:
    """A short key that changes when the settings or any data file changes.

    For a remote store it names the endpoint and credentials (hashed), not files.
    """
    parts: list[Any] = [settings.backend, settings.query_url, settings.update_url, settings.user, settings.max_file_bytes, settings.include_schema,
                        settings.sparql_graph, settings.sparql_auth, settings.server_max_rows]  # fmt: skip
    if settings.password:
        parts.append(hashlib.sha256(settings.password.encode()).hexdigest())
    if settings.backend != "remote":
        parts.extend(_stat(Path(p)) for p in settings.files)
    parts.append(str(settings.expectations))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
