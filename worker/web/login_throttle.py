"""Brute-force protection for the web UI login: failed attempts counted per e-mail and per client address.

Kept in the database (table `login_attempts`), not in Redis: the web app also runs in the embedded
mode without Redis, and several gunicorn workers must see the same counts.

How it works, per login attempt:
1. `begin` records the attempt (committed) *before* the password is checked, then looks at the
   attempts recorded for this e-mail and this address. Recording first makes parallel guesses see
   each other: of N simultaneous attempts at most the allowed number get to the password check.
2. Locked (the limit was reached within the window, less than the lockout ago) → the attempt's own
   row is removed again and the caller refuses without checking the password. Refused attempts are
   not counted, so hammering during a lockout does not stretch it for the real user.
3. `succeeded` removes every row of the e-mail (its failures are forgiven; the address's failures
   for *other* e-mails stay, so one valid account cannot reset an address's count); a failure
   simply leaves the row in place.

E-mails are stored as an HMAC (keyed with the app's secret), never in clear: people type passwords
into the e-mail field, and unknown e-mails are counted like known ones (no user enumeration).
Rows older than window + lockout can no longer matter and are deleted whenever an attempt is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from worker.store.db import session_scope
from worker.store.models import LoginAttempt, column_length, utcnow

ADDRESS_CHARS = column_length(LoginAttempt, "address")
UNKNOWN_ADDRESS = "unknown"


@dataclass(frozen=True)
class Lockout:
    """Why and how long an attempt is refused."""

    scope: str  # "email" or "address"
    until: datetime
    seconds: int  # until the lockout ends, rounded up (the Retry-After value)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


@dataclass(frozen=True)
class Attempt:
    id: int
    email_key: str
    address: str
    lockout: Lockout | None


@dataclass
class LoginThrottle:
    db_url: str
    secret: bytes
    max_per_email: int = 5
    max_per_address: int = 30
    # One duration serves as both the counting window and the lockout (the settings name one number).
    lockout: timedelta = timedelta(minutes=15)
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def window(self) -> timedelta:
        return self.lockout

    def email_key(self, email: str) -> str:
        return hmac.new(self.secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()

    def begin(self, email: str, address: str | None) -> Attempt:
        """Record this attempt and say whether it is refused (see the module docstring)."""
        now = self.clock()
        key = self.email_key(email)
        addr = (address or UNKNOWN_ADDRESS)[:ADDRESS_CHARS]
        horizon = now - self.window - self.lockout
        with session_scope(self.db_url) as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < horizon))
            row = LoginAttempt(email_key=key, address=addr, attempted_at=now)
            s.add(row)
            s.flush()
            attempt_id = row.id
        with session_scope(self.db_url) as s:

            def times(column, value: str) -> list[datetime]:  # type: ignore[no-untyped-def]
                return [
                    _aware(t)
                    for t in s.scalars(
                        select(LoginAttempt.attempted_at)
                        .where(column == value, LoginAttempt.attempted_at >= horizon, LoginAttempt.id != attempt_id)
                        .order_by(LoginAttempt.attempted_at)
                    )
                ]

            lockouts = [
                lock
                for lock in (
                    self._lockout("email", times(LoginAttempt.email_key, key), self.max_per_email, now),
                    self._lockout("address", times(LoginAttempt.address, addr), self.max_per_address, now),
                )
                if lock is not None
            ]
            lockout = max(lockouts, key=lambda lock: lock.until) if lockouts else None
            if lockout is not None:
                s.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
        return Attempt(id=attempt_id, email_key=key, address=addr, lockout=lockout)

    def succeeded(self, attempt: Attempt) -> None:
        with session_scope(self.db_url) as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.email_key == attempt.email_key))

    def _lockout(self, scope: str, failures: Sequence[datetime], limit: int, now: datetime) -> Lockout | None:
        """Locked from each failure that completed `limit` failures within the window, for `lockout`."""
        until: datetime | None = None
        first = 0
        for last, at in enumerate(failures):
            while failures[first] <= at - self.window:
                first += 1
            if last - first + 1 >= limit:
                until = max(until or at, at + self.lockout)
        if until is None or until <= now:
            return None
        return Lockout(scope=scope, until=until, seconds=max(1, math.ceil((until - now).total_seconds())))


def _aware(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt  # SQLite gives naive UTC
