"""Settings: built once (from the environment or the CLI) and passed down.

Every setting is documented in ``docs/settings.md``; a test fails when one is
not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import SettingsError

__all__ = ["Settings", "PROJECT_ROOT", "DATA_DIR", "DEFAULT_DATA", "SCHEMA_FILES", "SHAPES_FILE", "BACKENDS", "AUTH_SCHEMES"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
#: The bundled instance data, used when no data path is given (edits go to the first;
#: data/absences.ttl holds the verified absences, see graph/analysis/absences.py).
DEFAULT_DATA: tuple[Path, ...] = (DATA_DIR / "entities.ttl", DATA_DIR / "absences.ttl")
#: Always loaded beside the data, so a user's file needs only its instances.
SCHEMA_FILES: tuple[Path, ...] = (DATA_DIR / "vocabulary.ttl", DATA_DIR / "territory.ttl")
SHAPES_FILE = DATA_DIR / "shapes.ttl"
BACKENDS = ("oxigraph", "rdflib", "remote")
AUTH_SCHEMES = ("basic", "digest")


@dataclass(frozen=True)
class Settings:
    """Where the data is, which store holds it, and the limits of untrusted queries."""

    data: tuple[Path, ...] = DEFAULT_DATA
    backend: str = "oxigraph"
    query_url: str | None = None
    update_url: str | None = None
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    #: HTTP authentication scheme for the SPARQL server: basic or digest (Virtuoso's /sparql-auth)
    sparql_auth: str = "basic"
    #: the named graph read (sent as default-graph-uri) and written (GRAPH in INSERT/DELETE DATA)
    sparql_graph: str | None = None
    #: the server's own cap on answers (Virtuoso's ResultSetMaxRows): an answer that long counts as cut
    server_max_rows: int | None = None
    timeout_s: float = 10.0
    max_rows: int = 10_000
    query_memory_mb: int = 2048
    max_file_bytes: int = 1 << 30
    include_schema: bool = True
    editor_password: str | None = field(default=None, repr=False)
    history: Path | None = None
    serve_hosts: tuple[str, ...] = ()

    @property
    def edit_file(self) -> Path:
        """The data file that edits are written to: the first data file."""
        return Path(self.data[0])

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise SettingsError(f"GRAPH_BACKEND: unknown backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")
        if self.backend == "remote" and not self.query_url:
            raise SettingsError("GRAPH_SPARQL_QUERY_URL: the remote backend needs a query URL")
        if self.sparql_auth not in AUTH_SCHEMES:
            raise SettingsError(f"GRAPH_SPARQL_AUTH: unknown scheme {self.sparql_auth!r}; choose one of {', '.join(AUTH_SCHEMES)}")
        if self.sparql_graph is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+", self.sparql_graph):
            raise SettingsError(f"GRAPH_SPARQL_GRAPH: not an absolute IRI: {self.sparql_graph!r}")
        if self.server_max_rows is not None and self.server_max_rows <= 0:
            raise SettingsError(f"GRAPH_SPARQL_SERVER_MAX_ROWS: must be positive, got {self.server_max_rows}")
        if self.timeout_s <= 0:
            raise SettingsError(f"GRAPH_QUERY_TIMEOUT: must be positive, got {self.timeout_s}")
        if self.query_memory_mb < 64:
            raise SettingsError(f"GRAPH_QUERY_MEMORY_MB: at least 64, got {self.query_memory_mb}")
        if self.max_rows <= 0:
            raise SettingsError(f"GRAPH_MAX_ROWS: must be positive, got {self.max_rows}")

    @property
    def files(self) -> tuple[Path, ...]:
        """Every file the store loads: the schema files, then the data."""
        return (SCHEMA_FILES if self.include_schema else ()) + tuple(self.data)

    def with_data(self, paths: list[str] | tuple[Path, ...] | None) -> Settings:
        """The same settings over other data files (``--data``); None keeps them."""
        if not paths:
            return self
        return replace(self, data=tuple(Path(p) for p in paths))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        """Read ``GRAPH_*`` variables; an empty variable counts as unset."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        kwargs: dict = {}
        if data := get("GRAPH_DATA"):
            kwargs["data"] = tuple(Path(p) for p in data.split(os.pathsep) if p.strip())
        if backend := get("GRAPH_BACKEND"):
            kwargs["backend"] = backend
        kwargs["query_url"] = get("GRAPH_SPARQL_QUERY_URL")
        kwargs["update_url"] = get("GRAPH_SPARQL_UPDATE_URL")
        kwargs["user"] = get("GRAPH_SPARQL_USER")
        kwargs["password"] = get("GRAPH_SPARQL_PASSWORD")
        if auth := get("GRAPH_SPARQL_AUTH"):
            kwargs["sparql_auth"] = auth.lower()
        kwargs["sparql_graph"] = get("GRAPH_SPARQL_GRAPH")
        kwargs["editor_password"] = get("GRAPH_EDITOR_PASSWORD")
        if history := get("GRAPH_HISTORY"):
            kwargs["history"] = Path(history)
        if hosts := get("GRAPH_SERVE_HOSTS"):
            kwargs["serve_hosts"] = tuple(h.strip().lower() for h in hosts.split(",") if h.strip())
        if kwargs["query_url"] and "backend" not in kwargs:
            kwargs["backend"] = "remote"
        for name, key, conv in (
            ("GRAPH_QUERY_TIMEOUT", "timeout_s", float),
            ("GRAPH_MAX_ROWS", "max_rows", int),
            ("GRAPH_MAX_FILE_BYTES", "max_file_bytes", int),
            ("GRAPH_QUERY_MEMORY_MB", "query_memory_mb", int),
            ("GRAPH_SPARQL_SERVER_MAX_ROWS", "server_max_rows", int),
        ):
            if (raw := get(name)) is not None:
                try:
                    kwargs[key] = conv(raw)
                except ValueError:
                    raise SettingsError(f"{name}: not a number: {raw!r}") from None
        kwargs.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**kwargs)
