"""Signed, expiring verdict links in every note: "Stimmt" / "Stimmt nicht" (issue 15).

Signed like the one-click links (worker/web/links.py: itsdangerous, SECRET_KEY) but with a salt of
their own, so a verdict token never works as an apply/reject token or the other way round.
"""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from worker.config import Settings
from worker.web.links import LinkError

MAX_AGE_SECONDS = 30 * 24 * 3600
_SALT = "goodwill-verdict-link"
KINDS = ("agree", "disagree")


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.flask_secret, salt=_SALT)


def make_token(settings: Settings, decision_id: int, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown verdict kind {kind!r}")
    return _serializer(settings).dumps({"d": decision_id, "k": kind})


def verdict_urls(settings: Settings, decision_id: int) -> tuple[str, str]:
    """("Stimmt" URL, "Stimmt nicht" URL) for the decision's note."""
    base = settings.goodwill_public_url
    return (
        f"{base}/decisions/{decision_id}/verdict/{make_token(settings, decision_id, 'agree')}",
        f"{base}/decisions/{decision_id}/verdict/{make_token(settings, decision_id, 'disagree')}",
    )


def read_token(settings: Settings, token: str, decision_id: int) -> str:
    """The verdict kind ('agree' / 'disagree') the token stands for on this decision, or LinkError."""
    try:
        data = _serializer(settings).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise LinkError("Der Link ist abgelaufen.") from None
    except BadSignature:
        raise LinkError("Der Link ist ungültig.") from None
    if not isinstance(data, dict) or data.get("d") != decision_id or data.get("k") not in KINDS:
        raise LinkError("Der Link gehört nicht zu dieser Entscheidung.")
    return str(data["k"])
