"""Properties of `decide` over generated readings and customers (hypothesis)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.decide import decide
from policies.model import ALTERNATIVES, ESCALATION_TARGETS, OUTCOMES, REQUEST_TYPES, Customer, HistoryEntry, Ticket
from policies.reading.classification import DOCUMENT_KINDS, NOT_WEIGHTY_REASONS, WEIGHTY_REASONS, Classification, Facts
from policies.render.note import MAX_WORDS, word_count
from policies.rules.clauses import CLAUSE_IDS

TODAY = date(2026, 11, 23)
days = st.integers(min_value=-900, max_value=400).map(lambda n: TODAY + timedelta(days=n))
maybe_day = st.none() | days
ticket_types = [t for t in REQUEST_TYPES if t != "fair_use"]

readings = st.builds(
    Classification,
    request_type=st.sampled_from(ticket_types),
    abusive=st.booleans(),
    severity=st.sampled_from([None, "severe"]),
    facts=st.builds(
        Facts,
        duration_days=st.none() | st.integers(min_value=1, max_value=800),
        reason=st.none() | st.sampled_from(sorted(WEIGHTY_REASONS | NOT_WEIGHTY_REASONS)),
        documents=st.lists(st.sampled_from(DOCUMENT_KINDS), max_size=2, unique=True).map(tuple),
        strong_dissatisfaction=st.booleans(),
        timing_not_right=st.booleans(),
        explicit_exit=st.booleans(),
    ),
)
history = st.lists(
    st.builds(
        HistoryEntry,
        date=days,
        request_type=st.sampled_from(ticket_types),
        outcome=st.sampled_from(OUTCOMES),
        applied=st.booleans(),
    ),
    max_size=4,
).map(tuple)
customers = st.builds(
    Customer,
    tags=st.lists(
        st.sampled_from(["kulanz_verlaengerung", "memb_intueat_coach_1.0_extended", "memb_club", "vip"]),
        max_size=3,
        unique=True,
    ).map(tuple),
    program_purchase_date=maybe_day,
    program_end_date=maybe_day,
    club_start_date=maybe_day,
    coach_round_start=maybe_day,
    coach_end_date=maybe_day,
    pro_end_date=maybe_day,
    history=history,
    known=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(reading=readings, customer=customers)
def test_every_decision_is_well_formed(reading: Classification, customer: Customer) -> None:
    d = decide(Ticket(number=1, subject="", body=""), customer, TODAY, classification=reading)
    assert d.outcome in OUTCOMES and d.request_type in REQUEST_TYPES
    assert set(d.clauses) <= set(CLAUSE_IDS)
    assert d.alternative in (None, *ALTERNATIVES)
    assert d.outcome != "offer_alternative" or d.alternative is not None
    assert d.alternative is None or d.outcome in ("offer_alternative", "deny")  # deny: K-EXT-3 names the Club
    assert (d.escalate_to is not None) == (d.outcome == "escalate") and d.escalate_to in (None, *ESCALATION_TARGETS)
    assert not d.actions or d.outcome == "approve"  # nothing is changed in the CRM without an approval
    assert all(a.system == "activecampaign" for a in d.actions)
    assert word_count(d.note) <= MAX_WORDS
    json.dumps(d.to_dict())


@settings(max_examples=200, deadline=None)
@given(reading=readings, customer=customers)
def test_a_severe_message_is_always_the_supervisors(reading: Classification, customer: Customer) -> None:
    severe = Classification(reading.request_type, abusive=True, severity="severe", facts=reading.facts)
    d = decide(Ticket(number=1, subject="", body=""), customer, TODAY, classification=severe)
    assert (d.outcome, d.escalate_to, d.actions) == ("escalate", "supervisor", ())
