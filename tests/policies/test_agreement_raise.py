"""The agreement gate takes on abuse only the second reader saw: a miss costs more than a false alarm.

The second reader is replaced by a fixed answer here, so these tests check the gate's logic alone (the reader
has its own tests in test_model_reader.py).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from policies.decide import decide
from policies.model import Customer, Evidence, Ticket
from policies.reading import model
from policies.reading.model import ModelReading
from policies.vocab import Outcome, RequestType, Severity
from tests.policies.rules_kit import TICKET, TODAY, run

PROGRAM = Customer(program_purchase_date=date(2026, 9, 1), program_end_date=date(2027, 3, 1))


def second_reader_says(
    monkeypatch: pytest.MonkeyPatch,
    request_type: str,
    *,
    abusive: bool = False,
    abusive_confidence: float = 0.95,
    severe: bool = False,
    severe_confidence: float = 0.95,
    type_confidence: float = 0.9,
) -> None:
    answer = ModelReading(
        request_type=request_type,
        type_confidence=type_confidence,
        abusive=abusive,
        abusive_confidence=abusive_confidence,
        version="reader-test",
        severe=severe,
        severe_confidence=severe_confidence,
    )
    monkeypatch.setattr(model, "read", lambda subject, text: answer)


def test_abuse_only_the_second_reader_sees_is_taken_on_and_the_decision_waits_for_a_person(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, abusive=True)
    decision = run(RequestType.PROGRAM_RETURN, PROGRAM)
    assert decision.abusive
    assert "A-1" in decision.clauses
    assert decision.uncertain and decision.reading is not None
    assert decision.reading["raised"] == ["abusive"] and "abusive" in decision.reading["doubts"]
    assert "Die Beleidigung, die der statistische Leser erkennt, ist in der Entscheidung berücksichtigt" in (
        decision.note
    )


def test_a_threat_only_the_second_reader_sees_is_escalated_to_the_supervisor_whatever_is_asked(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, abusive=True, severe=True)
    decision = run(RequestType.PROGRAM_RETURN, PROGRAM)
    assert decision.severity == Severity.SEVERE
    assert (decision.outcome, decision.escalate_to) == (Outcome.ESCALATE, "supervisor")
    assert decision.uncertain and decision.actions == ()


def test_an_abusive_message_asking_for_nothing_that_only_the_second_reader_flags_is_an_abuse_case(monkeypatch):
    second_reader_says(monkeypatch, RequestType.ABUSE, abusive=True)
    decision = run(RequestType.OTHER)
    assert (decision.request_type, decision.outcome) == (RequestType.ABUSE, Outcome.ESCALATE)


def test_a_second_reader_reading_abuse_never_drops_the_goodwill_request_the_rule_reader_found(monkeypatch):
    # a rude return request is still a return request (with the abuse line), whatever the second reader's type
    second_reader_says(monkeypatch, RequestType.ABUSE, abusive=True, type_confidence=0.97)
    decision = run(RequestType.PROGRAM_RETURN, RECENT, abusive=True)
    assert (decision.request_type, decision.outcome) == (RequestType.PROGRAM_RETURN, Outcome.APPROVE)
    assert decision.abusive and "A-1" in decision.clauses and decision.uncertain


def test_a_confident_second_reader_makes_an_abusive_other_message_that_asks_for_nothing_an_abuse_case(monkeypatch):
    second_reader_says(monkeypatch, RequestType.ABUSE, abusive=True, type_confidence=0.9)
    decision = run(RequestType.OTHER, abusive=True, evidence=(Evidence("other", "App"),))
    assert (decision.request_type, decision.outcome, decision.escalate_to) == (
        RequestType.ABUSE,
        Outcome.ESCALATE,
        "supervisor",
    )


def test_abuse_the_second_reader_gives_less_than_abuse_raise_is_not_taken_on(monkeypatch):
    # abusive=False at 0.7: P(abusive) = 0.3, below the pack's abuse_raise (0.4)
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, abusive=False, abusive_confidence=0.7)
    decision = run(RequestType.PROGRAM_RETURN, PROGRAM)
    assert not decision.abusive
    assert decision.reading is not None and decision.reading["raised"] == []


def test_when_both_readers_agree_nothing_is_raised(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, abusive=False)
    decision = run(RequestType.PROGRAM_RETURN, PROGRAM, ticket=TICKET, today=TODAY)
    assert not decision.abusive and decision.reading is not None and decision.reading["raised"] == []


def test_a_confident_second_reader_that_names_another_type_is_the_reading_the_held_decision_rests_on(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_PAUSE, type_confidence=0.85)
    decision = run(RequestType.PROGRAM_RETURN, PROGRAM)
    assert decision.request_type == RequestType.PROGRAM_PAUSE
    assert decision.uncertain and decision.reading is not None and "type" in decision.reading["doubts"]
    assert decision.reading["rules"]["request_type"] == RequestType.PROGRAM_RETURN  # both readings still shown


def test_a_second_reader_less_sure_than_model_overrules_leaves_the_rule_readers_type(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_PAUSE, type_confidence=0.55)  # model_overrules: 0.6
    decision = run(RequestType.PROGRAM_RETURN, PROGRAM)
    assert decision.request_type == RequestType.PROGRAM_RETURN and decision.uncertain


def test_a_wish_the_rule_reader_ruled_out_is_not_swapped_in_by_a_confident_second_reader(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_EXTENSION, type_confidence=0.93)
    body = "Hallo, danke für das Angebot, aber verlängern möchte ich auf keinen Fall, ich bin durch. Gruß, Kai"
    decision = decide(Ticket(number=5, subject="Angebot", body=body), PROGRAM, TODAY)
    assert decision.reading is not None and decision.reading["rules"]["request_type"] == RequestType.OTHER
    assert decision.request_type == RequestType.OTHER and decision.outcome == Outcome.NO_ACTION
    assert decision.uncertain  # the readers still disagree: shown to a person as such


RECENT = Customer(program_purchase_date=date(2026, 11, 10), program_end_date=date(2027, 2, 2))


def _pack_with(**reading_params: float):
    from policies.pack.loader import PACK_DIR, parse_pack

    text = (PACK_DIR / "goodwill.toml").read_text(encoding="utf-8")
    for key, value in reading_params.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        assert n == 1, key
    return parse_pack(text, "goodwill.toml")


def _decide(pack, request_type: str = RequestType.PROGRAM_RETURN, customer: Customer = RECENT):
    from policies.decide import decide_ticket
    from tests.policies.rules_kit import reading

    return decide_ticket(TICKET, customer, TODAY, pack=pack, classification=reading(request_type))


def test_an_agreed_approval_waits_for_a_person_when_a_reader_is_less_sure_than_approve_confidence(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_EXTENSION, type_confidence=0.85)
    decision = _decide(_pack_with(approve_confidence=0.9), RequestType.PROGRAM_EXTENSION)
    assert decision.outcome == Outcome.APPROVE and decision.actions  # still decided and shown as such
    assert decision.uncertain and decision.reading is not None
    assert decision.reading["doubts"] == ["approval_unsure"]
    assert "Für eine Zusage ohne Prüfung sind die Leser nicht sicher genug" in decision.note


def test_an_agreed_approval_both_readers_are_sure_enough_of_passes_the_gate(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_EXTENSION, type_confidence=0.95)
    decision = _decide(_pack_with(approve_confidence=0.9), RequestType.PROGRAM_EXTENSION)
    assert decision.outcome == Outcome.APPROVE and not decision.uncertain


def test_approve_confidence_holds_only_approvals_not_other_outcomes(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, type_confidence=0.85)
    decision = _decide(_pack_with(approve_confidence=0.9), customer=PROGRAM)  # day 83: the return is denied
    assert decision.outcome != Outcome.APPROVE and not decision.uncertain


def test_a_threat_the_second_reader_rates_below_even_odds_is_taken_on_when_severe_raise_is_lower(monkeypatch):
    # severe=False at 0.6 confidence: P(severe) = 0.4
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, abusive=True, severe=False, severe_confidence=0.6)
    held = _decide(_pack_with(severe_raise=0.35))
    assert held.severity == Severity.SEVERE and (held.outcome, held.escalate_to) == (Outcome.ESCALATE, "supervisor")
    assert held.uncertain and held.actions == ()
    not_raised = _decide(_pack_with(severe_raise=0.45))
    assert not_raised.severity != Severity.SEVERE


def test_abuse_the_second_reader_rates_below_even_odds_is_taken_on_when_abuse_raise_is_lower(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, abusive=False, abusive_confidence=0.55)  # P = 0.45
    assert _decide(_pack_with(abuse_raise=0.4)).abusive
    assert not _decide(_pack_with(abuse_raise=0.5)).abusive


def test_the_uncertain_banner_keeps_the_capitals_of_german_nouns(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_EXTENSION, type_confidence=0.55)
    decision = _decide(_pack_with(approve_confidence=0.9), RequestType.PROGRAM_EXTENSION)
    assert "Der statistische Leser ist sich nicht sicher" in decision.note
    assert "leser" not in decision.note


def test_a_customer_torn_between_two_wishes_is_asked_however_sure_the_second_reader_is_of_one(monkeypatch):
    second_reader_says(monkeypatch, RequestType.PROGRAM_RETURN, type_confidence=0.97)
    ticket = Ticket(number=7, subject="pause or refund?", body="Hello, work is crazy. Can I pause it or get a refund?")
    decision = decide(ticket, PROGRAM, TODAY)
    assert (decision.request_type, decision.outcome) == (RequestType.UNCLEAR, Outcome.CLARIFY), decision.note
