"""Signed, expiring one-click links in notes (assist mode): apply or reject a decision's changes."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from worker.config import Settings

MAX_AGE_SECONDS = 7 * 24 * 3600
_SALT = "goodwill-action-link"


class LinkError(ValueError):
    pass


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.flask_secret, salt=_SALT)


def make_token(settings: Settings, decision_id: int, verb: str) -> str:
    return _serializer(settings).dumps({"d": decision_id, "v": verb})


def action_urls(settings: Settings, decision_id: int) -> tuple[str, str]:
    base = settings.goodwill_public_url
    return (
        f"{base}/decisions/{decision_id}/act/{make_token(settings, decision_id, 'apply')}",
        f"{base}/decisions/{decision_id}/act/{make_token(settings, decision_id, 'reject')}",
    )


def read_token(settings: Settings, token: str, decision_id: int) -> str:
    """The verb ('apply' / 'reject') the token grants for this decision, or LinkError."""
    try:
        data = _serializer(settings).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise LinkError("Der Link ist abgelaufen.") from None
    except BadSignature:
        raise LinkError("Der Link ist ungültig.") from None
    if data.get("d") != decision_id or data.get("v") not in ("apply", "reject"):
        raise LinkError("Der Link gehört nicht zu dieser Entscheidung.")
    return str(data["v"])
