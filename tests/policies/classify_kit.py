"""Helpers for the classifier tests: build a ticket, classify it."""

from __future__ import annotations

from datetime import datetime

from policies.model import Ticket
from policies.reading.classification import Classification
from policies.reading.classify import classify


def read(
    body: str,
    subject: str = "",
    attachments: tuple[str, ...] = (),
    created_at: datetime | None = datetime(2026, 3, 20, 9, 0),
) -> Classification:
    return classify(Ticket(number=1, subject=subject, body=body, attachments=attachments, created_at=created_at))


def labels(c: Classification) -> set[str]:
    return {e.label for e in c.evidence}


def evidence_text(c: Classification, label: str) -> str:
    return " | ".join(e.text for e in c.evidence if e.label == label)
