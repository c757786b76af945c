"""The editor password: a growing delay after wrong tries, and what counts as weak.

The dashboard's editor password is the only secret between a meeting room and
the data file, so guessing it must be slow.  :class:`Throttle` holds the
failures of the whole process; :class:`Attempts` those of one browser session.
After a wrong password the next try waits ``2**(n-1)`` seconds (``n`` the
session's failures, capped at :attr:`Throttle.cap`); past
:attr:`Throttle.free` failures in the process, every session waits as well
(someone is opening fresh sessions to guess).  A try inside the delay is
refused without looking at the password, and the caller is told how long to
wait, so no server thread ever sleeps.  Comparison is constant-time
(``hmac.compare_digest``); failures are logged, never the password.

>>> clock = iter([0.0, 0.5, 1.0]).__next__
>>> gate, mine = Throttle(clock=clock), Attempts()
>>> gate.try_password("zgadywanie", "dobre-haslo-2024", mine).ok
False
>>> gate.try_password("dobre-haslo-2024", "dobre-haslo-2024", mine).wait  # 0.5 s later: still 0.5 s to wait
0.5
>>> gate.try_password("dobre-haslo-2024", "dobre-haslo-2024", mine).ok
True
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Attempts", "Verdict", "Throttle", "password_weakness", "MIN_PASSWORD_LENGTH"]

log = logging.getLogger(__name__)

#: Shorter editor passwords are weak (the LAN switch warns about them).
MIN_PASSWORD_LENGTH = 12
#: Long but common choices, compared in lower case with spaces removed.
_COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "administrator",
        "aaaaaaaaaaaa",
        "changeme1234",
        "ekonomiaspoleczna",
        "ekonomiaspołeczna",
        "haslohaslo12",
        "hasłohasło12",
        "partnerstwo1",
        "partnerstwo123",
        "password1234",
        "qwerty123456",
        "qwertyuiop12",
        "starachowice",
        "starachowice1",
        "starachowice123",
        "zaq12wsxcde3",
    }
)


def password_weakness(password: str | None) -> str | None:
    """Why ``password`` is weak (English, for the terminal), or None when it is not.

    >>> password_weakness("tajne"), password_weakness("Starachowice"), password_weakness("kawa-w-ratuszu-o-9")
    ('shorter than 12 characters', 'a common password', None)
    """
    if not password:
        return "not set"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"shorter than {MIN_PASSWORD_LENGTH} characters"
    folded = "".join(password.lower().split())
    if folded in _COMMON or len(set(folded)) <= 2:
        return "a common password"
    return None


@dataclass
class Attempts:
    """One session's wrong tries and the time before which it may not try again."""

    failures: int = 0
    until: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """``ok``: the password was right.  Otherwise ``wait`` seconds before the next
    try; ``checked`` is False when this try came too early and was not compared."""

    ok: bool
    wait: float = 0.0
    checked: bool = True


@dataclass
class Throttle:
    """The process-wide side of the delay (one per dashboard process); thread-safe."""

    clock: Callable[[], float] = time.monotonic
    #: What is tried, as the log names it ("editor password"; the survey's links: "survey link").
    what: str = "editor password"
    base: float = 1.0
    cap: float = 300.0
    free: int = 10  # failures in the process before every session waits too
    failures: int = 0
    until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _delay(self, n: int) -> float:
        return min(self.base * 2 ** max(n - 1, 0), self.cap) if n > 0 else 0.0

    def wait(self, session: Attempts) -> float:
        """Seconds before ``session`` may try (0: now)."""
        now = self.clock()
        with self._lock:
            return max(session.until - now, self.until - now, 0.0)

    def try_password(self, given: str, password: str, session: Attempts) -> Verdict:
        """Compare ``given`` with ``password`` unless ``session`` must still wait."""
        now = self.clock()
        with self._lock:
            left = max(session.until - now, self.until - now, 0.0)
            if left > 0:
                return Verdict(False, left, checked=False)
            if hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8")):
                session.failures, session.until = 0, 0.0
                self.failures, self.until = 0, 0.0
                return Verdict(True)
            session.failures += 1
            self.failures += 1
            session.until = now + self._delay(session.failures)
            if self.failures > self.free:
                self.until = now + self._delay(self.failures - self.free)
            left = max(session.until, self.until) - now
        log.warning(
            "%s: wrong try (%d in this session, %d in this process); next try in %.0f s",
            self.what,
            session.failures,
            self.failures,
            left,
        )
        return Verdict(False, left)
