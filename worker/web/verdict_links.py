"""Signed, expiring verdict links in every note: "Stimmt" / "Stimmt nicht" (issue 15).

The same signing as the one-click links (worker/web/links.py `SignedLink`), with a salt of its own.
"""

from __future__ import annotations

from worker.config import Settings
from worker.web.links import SignedLink

VERDICT_LINK = SignedLink("goodwill-verdict-link", "verdict", "k", ("agree", "disagree"), 30 * 24 * 3600)
MAX_AGE_SECONDS = VERDICT_LINK.max_age_seconds
KINDS = VERDICT_LINK.kinds


def make_token(settings: Settings, decision_id: int, kind: str) -> str:
    return VERDICT_LINK.make_token(settings, decision_id, kind)


def verdict_urls(settings: Settings, decision_id: int) -> tuple[str, str]:
    """("Stimmt" URL, "Stimmt nicht" URL) for the decision's note."""
    agree_url, disagree_url = VERDICT_LINK.urls(settings, decision_id)
    return agree_url, disagree_url


def read_token(settings: Settings, token: str, decision_id: int) -> str:
    """The verdict kind ('agree' / 'disagree') the token stands for on this decision, or LinkError."""
    return VERDICT_LINK.read_token(settings, token, decision_id)
