"""``./run app``: the dashboard on this machine only, or on the LAN for a meeting.

By default Streamlit listens on 127.0.0.1 and accepts WebSocket connections
only for the names of this machine (``server.allowedHosts``: DNS rebinding
gets nothing).  ``./run app --lan`` (or ``GRAPH_LAN=1``) listens on every
interface for a meeting, accepts this machine's LAN addresses and host name,
and warns on the terminal when the editor password is weak
(:func:`graph.access.password_weakness`).

Streamlit looks outside on its own in two places (``streamlit.net_util``,
SECURITY T18): ``get_external_ip`` asks checkip.amazonaws.com for the public
address (at start when headless without a fixed ``server.address``, and for
any WebSocket from an unknown origin), and ``get_internal_ip`` "connects" a
UDP socket to 8.8.8.8 to learn the LAN address.  Both are replaced here before
Streamlit starts: no public address, and the LAN address read from the
interfaces (psutil).  While Streamlit starts, a background thread reads the
data and computes the first page's answers (:func:`graph.preload.preload`)
and imports the pages' modules, so the first visitor does not wait for
them from the start.  Usage statistics are off in ``.streamlit/config.toml``
(``browser.gatherUsageStats``); Streamlit has no version check, and its
e-mail prompt is skipped when headless.  ``tests/test_launch.py`` starts the app
as the README does and records every socket call of the server.
"""

from __future__ import annotations

import socket
import sys
import threading
import tomllib
from pathlib import Path

from graph.access import MIN_PASSWORD_LENGTH, password_weakness
from graph.errors import SettingsError
from graph.settings import read_setting

__all__ = ["main", "lan_addresses", "streamlit_args"]

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
#: ``./run survey``: the respondent app alone (docs/survey.md), on its own port.
SURVEY_APP = ROOT / "survey_app.py"
SURVEY_PORT = "8502"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, read from the interfaces (no packet sent)."""
    import psutil

    found = []
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family == socket.AF_INET and not a.address.startswith("127."):
                found.append(a.address)
    return sorted(set(found))


def _secret_files() -> tuple[Path, ...]:
    """Streamlit's default secrets files, in the order it reads them (the later wins)."""
    return (Path.home() / ".streamlit" / "secrets.toml", ROOT / ".streamlit" / "secrets.toml")


def dashboard_settings():
    """The :class:`graph.settings.Settings` the dashboard will build (``ui.state.settings``:
    ``GRAPH_*`` variables, where ``GRAPH_*`` keys of Streamlit's secrets files win), read
    without Streamlit; None when they do not parse (the dashboard shows the error)."""
    from graph.settings import Settings, environment, graph_keys  # not ui.state: Streamlit's import would delay the load

    env = environment()
    for path in _secret_files():
        try:
            found = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        env.update(graph_keys(found))
    try:
        return Settings.from_env(env)
    except SettingsError:
        return None


def _preload() -> None:
    """Open the data while Streamlit starts (:func:`graph.preload.preload`): the first
    visitor finds the store read and the first page's answers computed, or under way."""
    import importlib

    ws = None
    cfg = dashboard_settings()
    if cfg is not None and cfg.backend != "remote":  # a remote store is asked when a visitor comes, not at start
        from graph.preload import preload

        ws = preload(cfg)
    from ui.pages import PAGES  # after the load has started: it imports Streamlit
    # the pages' modules (and what they import), not run: the first page's now, the others once
    # the first page's answers are there (their imports would take the cores the load needs)
    first = [e for e in PAGES if e.default] + [e for e in PAGES if not e.default]
    for i, entry in enumerate(first):
        if i == 1 and ws is not None:
            ws.first_answers.wait(60)
        try:
            importlib.import_module(f"ui.pages.{entry.module}")
        except Exception:  # noqa: BLE001 - a page that fails to import shows its error when it runs
            pass


def _editor_password() -> str | None:
    """GRAPH_EDITOR_PASSWORD as the dashboard will see it: Streamlit secrets win over the environment."""
    value = read_setting("editor_password")
    for path in _secret_files():
        try:
            found = tomllib.loads(path.read_text(encoding="utf-8")).get("GRAPH_EDITOR_PASSWORD")
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue  # a broken secrets file is reported by the dashboard itself
        if isinstance(found, str):
            value = found
    return value or None


def streamlit_args(argv: list[str], *, lan: bool, addresses: list[str], app: Path = APP) -> list[str]:
    """The ``streamlit run`` command line: our address and hosts first, the user's options after (they win)."""
    hosts = list(LOCAL_HOSTS)
    if lan:
        name = socket.gethostname()
        hosts += addresses + [name, f"{name}.local"]
    args = ["run", str(app), "--server.address", "0.0.0.0" if lan else "127.0.0.1"]
    if app == SURVEY_APP:
        args += ["--server.port", SURVEY_PORT]
    for h in dict.fromkeys(hosts):
        args += ["--server.allowedHosts", h]
    return args + argv


def _no_outside_lookups(internal: str | None) -> None:
    from streamlit import net_util

    for name in ("get_external_ip", "get_internal_ip"):
        if not callable(getattr(net_util, name, None)):
            sys.exit(f"error: streamlit.net_util.{name} is gone; check what this Streamlit looks up before starting it")
    net_util.get_external_ip = lambda: None
    net_util.get_internal_ip = lambda: internal


def _few_heaps() -> None:
    """At most two C heaps (glibc's ``M_ARENA_MAX``), set before any thread starts.

    Streamlit runs every page view in a thread of its own, and by default glibc
    gives threads up to 8 heaps per core, whose freed pages stay held.  With two
    heaps and ``malloc_trim`` after the work (:func:`graph.preload.release_memory`),
    a process holding the country file's answers used 853 MB against 897 MB.
    """
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def _say_when_serving() -> None:
    """Tell the preload when Streamlit's server has started (:func:`graph.preload.serving`), by
    wrapping ``streamlit.web.bootstrap._on_server_start``; where a Streamlit has none, the
    preload goes by the first visit or the end of the load instead."""
    from streamlit.web import bootstrap

    started = getattr(bootstrap, "_on_server_start", None)
    if not callable(started):
        return

    def on_server_start(server):
        from graph.preload import serving

        serving()
        return started(server)

    bootstrap._on_server_start = on_server_start


def main(argv: list[str] | None = None) -> None:
    _few_heaps()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        lan = "--lan" in argv or read_setting("lan")
    except SettingsError as exc:
        sys.exit(f"error: {exc}")
    survey = "--survey" in argv
    argv = [a for a in argv if a not in ("--lan", "--survey")]
    addresses = lan_addresses() if lan else []
    if lan:
        print(f"LAN mode: the dashboard listens on every interface ({', '.join(addresses) or 'no LAN address found'}).", file=sys.stderr)
        password = _editor_password()
        weakness = password_weakness(password)
        if password is None:
            print("LAN mode: no editor password is set, so editing is off; everyone on the network can view the data.", file=sys.stderr)
        elif weakness:
            print(
                f"WARNING: the editor password is weak ({weakness}); anyone on this network can try it. "
                f"Use at least {MIN_PASSWORD_LENGTH} characters that are not a common phrase.",
                file=sys.stderr,
            )
    if not survey:  # first: the load begins while Streamlit is imported
        threading.Thread(target=_preload, name="preload-settings", daemon=True).start()
    _no_outside_lookups(addresses[0] if addresses else None)
    _say_when_serving()
    from streamlit.web import cli

    cli.main(args=streamlit_args(argv, lan=lan, addresses=addresses, app=SURVEY_APP if survey else APP), prog_name="streamlit")


if __name__ == "__main__":
    main()
