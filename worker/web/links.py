"""Signed, expiring links in notes: one-click apply/reject (assist mode) and the verdict links.

Each kind of link has a salt of its own, so a verdict token never works as an apply/reject token or
the other way round; the payload keys stay as first shipped, so links already posted keep working.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from worker.config import Settings


class LinkError(ValueError):
    pass


@dataclass(frozen=True)
class SignedLink:
    """One kind of signed link: /decisions/<id>/<path>/<token>, the token granting one of `kinds`."""

    salt: str
    path: str  # the URL segment after the decision id
    key: str  # the payload key that holds the kind ("v" for apply/reject, "k" for verdicts)
    kinds: tuple[str, ...]
    max_age_seconds: int

    def _serializer(self, settings: Settings) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(settings.flask_secret, salt=self.salt)

    def make_token(self, settings: Settings, decision_id: int, kind: str) -> str:
        if kind not in self.kinds:
            raise ValueError(f"unknown link kind {kind!r}")
        return self._serializer(settings).dumps({"d": decision_id, self.key: kind})

    def urls(self, settings: Settings, decision_id: int) -> tuple[str, ...]:
        """One URL per kind, in the order of `kinds`."""
        base = settings.goodwill_public_url
        return tuple(
            f"{base}/decisions/{decision_id}/{self.path}/{self.make_token(settings, decision_id, kind)}"
            for kind in self.kinds
        )

    def read_token(self, settings: Settings, token: str, decision_id: int) -> str:
        """The kind the token grants for this decision, or LinkError (German: shown to the person clicking)."""
        try:
            data = self._serializer(settings).loads(token, max_age=self.max_age_seconds)
        except SignatureExpired:
            raise LinkError("Der Link ist abgelaufen.") from None
        except BadSignature:
            raise LinkError("Der Link ist ungültig.") from None
        if not isinstance(data, dict) or data.get("d") != decision_id or data.get(self.key) not in self.kinds:
            raise LinkError("Der Link gehört nicht zu dieser Entscheidung.")
        return str(data[self.key])


ACTION_LINK = SignedLink("goodwill-action-link", "act", "v", ("apply", "reject"), 7 * 24 * 3600)
MAX_AGE_SECONDS = ACTION_LINK.max_age_seconds


def make_token(settings: Settings, decision_id: int, verb: str) -> str:
    return ACTION_LINK.make_token(settings, decision_id, verb)


def action_urls(settings: Settings, decision_id: int) -> tuple[str, str]:
    apply_url, reject_url = ACTION_LINK.urls(settings, decision_id)
    return apply_url, reject_url


def read_token(settings: Settings, token: str, decision_id: int) -> str:
    """The verb ('apply' / 'reject') the token grants for this decision, or LinkError."""
    return ACTION_LINK.read_token(settings, token, decision_id)
