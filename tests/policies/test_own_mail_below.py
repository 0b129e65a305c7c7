"""The customer's own earlier mail below a comment that asks nothing by itself is their words too.

A mail resent after it bounced, forwarded from the wrong address, or quoted under "any news?" says what the customer
wants; the comment on it only points at it. Mail from anyone else below (a bank, us) and a comment with a wish or a
retraction of its own keep the mail below out. One fixture per shape under tests/fixtures/own_mail/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policies.model import Ticket
from policies.reading.classify import classify
from policies.reading.text import read_reply
from policies.reading.wishes import customer_words
from tests.policies.classify_kit import read

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "own_mail").glob("*.json"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_customers_words_hold_their_own_mail_below_only_where_the_comment_points_at_it(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    words = customer_words(case["body"], case["customer_email"])
    for part in case.get("words_have", []):
        assert part in words, (case["description"], words)
    for part in case.get("words_lack", []):
        assert part not in words, (case["description"], words)


def test_without_the_customers_address_only_the_new_text_is_read() -> None:
    case = json.loads(FIXTURES[-1].read_text(encoding="utf-8"))
    assert customer_words(case["body"], None) == read_reply(case["body"]).new_text


def test_the_forward_header_names_its_sender_in_lower_case() -> None:
    body = "FYI\n\n---------- Forwarded message ---------\nFrom: Jonas L. <Jonas@Example.SE>\nDate: Tue\n\nHello"
    assert read_reply(body).forwarded_from == "jonas@example.se"


def test_a_resent_club_pause_is_read_as_a_club_pause() -> None:
    path = next(p for p in FIXTURES if p.stem.startswith("a_mail_resent"))
    case = json.loads(path.read_text(encoding="utf-8"))
    ticket = Ticket(number=1, subject="WG: Club", body=case["body"], customer_email=case["customer_email"])
    assert classify(ticket).request_type == "club_pause"
    assert read(case["body"], "WG: Club").request_type == "other"  # the comment alone asks nothing
