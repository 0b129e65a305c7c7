"""Web UI users: hashed passwords, login sessions, roles.

Passwords are hashed with werkzeug.security's scrypt (salted, memory-hard, constant-time check).
Werkzeug already ships with Flask, so this adds no compiled dependency; argon2id would be the
other good choice but needs argon2-cffi for no gain that matters at a team's login rate.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from worker.store.db import session_scope
from worker.store.models import User, utcnow

ROLES = ("agent", "lead", "admin")
ESCALATION_TARGETS = ("ofd", "head_of_ch", "coach_leads", "supervisor")
MIN_PASSWORD_LENGTH = 10
HASH_METHOD = "scrypt"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0123456789", method=HASH_METHOD)


class UserError(ValueError):
    """A user cannot be created as asked (one line for the CLI)."""


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    name: str
    role: str
    targets: tuple[str, ...]

    def may_decide(self, outcome: str, escalate_to: str | None) -> bool:
        """Escalated cases: leads (for their targets, or all) and admins; assist approvals: everyone."""
        if outcome != "escalate":
            return True
        if self.role == "admin":
            return True
        if self.role != "lead":
            return False
        return not self.targets or (escalate_to or "ofd") in self.targets


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def _parse_targets(raw: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (raw or "").split(",") if t.strip())


def add_user(
    db_url: str, *, email: str, name: str, password: str, role: str = "agent", targets: str | None = None
) -> int:
    """Create a user; returns its id. Raises UserError for bad input or an e-mail already taken."""
    email = email.strip().lower()
    name = name.strip()
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an e-mail address")
    if not name:
        raise UserError("--name must not be empty")
    if role not in ROLES:
        raise UserError(f"--role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    wanted = _parse_targets(targets)
    unknown = [t for t in wanted if t not in ESCALATION_TARGETS]
    if unknown:
        raise UserError(f"unknown escalation target(s) {', '.join(unknown)} (known: {', '.join(ESCALATION_TARGETS)})")
    with session_scope(db_url) as s:
        if s.scalar(select(func.count()).select_from(User).where(User.email == email)):
            raise UserError(f"a user {email} exists already")
        user = User(
            email=email,
            name=name[:120],
            role=role,
            password_hash=hash_password(password),
            escalation_targets=",".join(wanted) or None,
            active=True,
        )
        s.add(user)
        s.flush()
        return user.id


def _current(user: User) -> CurrentUser:
    return CurrentUser(
        id=user.id, email=user.email, name=user.name, role=user.role, targets=_parse_targets(user.escalation_targets)
    )


def authenticate(db_url: str, email: str, password: str) -> CurrentUser | None:
    """The user when e-mail and password match an active user; None otherwise (same time either way)."""
    with session_scope(db_url) as s:
        user = s.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        if not check_password_hash(user.password_hash, password) or not user.active:
            return None
        user.last_login_at = utcnow()
        return _current(user)


def _password_version(password_hash: str) -> str:
    """Stored in the session: a changed password ends every session made with the old one."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def login_user(db_url: str, user: CurrentUser) -> None:
    with session_scope(db_url) as s:
        row = s.get(User, user.id)
        assert row is not None
        version = _password_version(row.password_hash)
    session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    session.permanent = True
    session["uid"] = user.id
    session["pwv"] = version


def logout_user() -> None:
    session.clear()


def current_user() -> CurrentUser | None:
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    user: CurrentUser | None = None
    uid = session.get("uid")
    if uid is not None:
        with session_scope(current_app.config["SETTINGS"].db_url) as s:
            row = s.get(User, uid)
            if row is not None and row.active and session.get("pwv") == _password_version(row.password_hash):
                user = _current(row)
    g.user = user
    return user


def safe_next(target: str | None) -> str | None:
    """Only a path on this site ('/x', not '//host' or 'https://…') is followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def require_login() -> Any:
    """A blueprint `before_request`: the login page for anyone not logged in."""
    if current_user() is None:
        return redirect(url_for("login.login", next=request.full_path.rstrip("?")))
    return None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return require_login() or view(*args, **kwargs)

    return wrapper
