"""Web UI users: hashed passwords, login sessions, roles.

Passwords are hashed with werkzeug.security's scrypt (salted, memory-hard, constant-time check).
Werkzeug already ships with Flask, so this adds no compiled dependency; argon2id would be the
other good choice but needs argon2-cffi for no gain that matters at a team's login rate.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
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


def _user_by_email(s: Session, email: str) -> User:
    email = email.strip().lower()
    user = s.scalars(select(User).where(User.email == email)).one_or_none()
    if user is None:
        raise UserError(f"no user {email}")
    return user


def set_password(db_url: str, email: str, password: str) -> str:
    """A new password; ends every session of the user. Returns the e-mail (UserError: unknown, too short)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with session_scope(db_url) as s:
        user = _user_by_email(s, email)
        user.password_hash = hash_password(password)
        user.session_version += 1
        return user.email


def set_active(db_url: str, email: str, active: bool) -> str:
    """Disable (or enable again) a user; either way every existing session of the user ends."""
    with session_scope(db_url) as s:
        user = _user_by_email(s, email)
        user.active = active
        user.session_version += 1
        return user.email


def end_sessions(db_url: str, user_id: int) -> None:
    """Every session of this user is refused from its next request on (logout ends them all)."""
    with session_scope(db_url) as s:
        s.execute(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))


def login_user(db_url: str, user: CurrentUser) -> None:
    with session_scope(db_url) as s:
        row = s.get(User, user.id)
        assert row is not None
        version, session_version = _password_version(row.password_hash), row.session_version
    session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    session.permanent = True
    session["uid"] = user.id
    session["pwv"] = version
    session["sv"] = session_version  # the server-side version: bumped, it ends this session
    session["login_at"] = int(time.time())  # the absolute lifetime counts from here, whatever the activity


def logout_user() -> None:
    """End this session and every other session of the same user (a copied cookie included)."""
    user = current_user()
    if user is not None:
        end_sessions(current_app.config["SETTINGS"].db_url, user.id)
    session.clear()
    g.pop("user", None)


def _session_alive(row: User | None, max_age_seconds: int) -> bool:
    login_at = session.get("login_at")
    return (
        row is not None
        and row.active
        and session.get("pwv") == _password_version(row.password_hash)
        and session.get("sv") == row.session_version
        and isinstance(login_at, int)
        and 0 <= time.time() - login_at <= max_age_seconds
    )


def current_user() -> CurrentUser | None:
    """The logged-in user, or None: no session, a disabled user, a new password, a session ended by
    logout (or a password change, or disabling), or a login older than GOODWILL_SESSION_HOURS."""
    if "user" in g:
        return g.user  # type: ignore[no-any-return]
    user: CurrentUser | None = None
    uid = session.get("uid")
    if uid is not None:
        settings = current_app.config["SETTINGS"]
        with session_scope(settings.db_url) as s:
            row = s.get(User, uid)
            if _session_alive(row, settings.goodwill_session_hours * 3600):
                assert row is not None
                user = _current(row)
    g.user = user
    return user


MAX_NEXT = 2000


def safe_next(target: str | None) -> str | None:
    """Only a path on this site ('/x', not '//host' or 'https://…') is followed after login.

    One leading "/", no scheme or host, no backslash, no control or other invisible character
    (a browser drops a tab or newline, so "/<tab>/evil.com" becomes "//evil.com") — checked as given and
    once more percent-decoded. Anything else: None (the caller's default page).
    """
    if not target or len(target) > MAX_NEXT:
        return None
    for form in (target, unquote(target)):
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return None
        if any(ch.isspace() or not ch.isprintable() for ch in form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target


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
