"""What an earlier ticket shows (policies/offline/history.py), and how the note names imported history."""

from __future__ import annotations

from datetime import UTC, date, datetime

from policies.decide import decide_ticket
from policies.model import Customer, HistoryEntry, Ticket
from policies.offline.history import PastMessage, PastTicket, is_second_extension, read_past_ticket
from policies.pack.loader import load_pack

PACK = load_pack("goodwill")
ASK = "<p>Hallo, ich war krank. Könnt ihr mein Programm bitte verlängern?</p>"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


def customer(body: str, day: int = 1) -> PastMessage:
    return PastMessage(at(day), True, False, body)


def agent(body: str, day: int = 2, note: bool = False) -> PastMessage:
    return PastMessage(at(day), False, note, body)


def read(*messages: PastMessage, tags: tuple[str, ...] = (), subject: str = "Anfrage") -> list[tuple[str, str, str]]:
    ticket = PastTicket(4711, subject, at(1), tags, messages)
    return [(f.request_type, f.outcome, f.kind) for f in read_past_ticket(ticket, PACK)]


def test_a_request_and_the_agents_confirmation_note_are_two_entries_with_their_dates() -> None:
    ticket = PastTicket(
        4711, "Verlängerung", at(1), (), (customer(ASK), agent("Verlängerung um 4 Wochen eingerichtet.", note=True))
    )
    found = read_past_ticket(ticket, PACK)
    assert [(f.date, f.request_type, f.outcome, f.applied, f.sentence) for f in found] == [
        (date(2025, 3, 1), "program_extension", "requested", False, "Könnt ihr mein Programm bitte verlängern"),
        (date(2025, 3, 2), "program_extension", "approve", True, "Verlängerung um 4 Wochen eingerichtet."),
    ]


def test_the_confirmation_insert_sent_to_the_customer_is_a_coach_extension() -> None:
    sent = agent("<p>Liebe Nina,</p><p>[IE Coach] 6-wöchige Verlängerung eingerichtet</p>")
    assert ("coach_extension", "approve", "insert") in read(sent)


def test_the_offer_insert_a_refusal_and_a_customer_quoting_the_insert_confirm_nothing() -> None:
    offer = agent("<p>[IE Coach Kulanz] 6-wöchige Verlängerung</p>")
    refusal = agent("Verlängerung abgelehnt, Coaching-Call angeboten.", note=True)
    no_second = agent("Keine zweite Verlängerung möglich.", note=True)
    quoting = customer("<p>Danke! In eurer Mail stand „[IE Coach] 6-wöchige Verlängerung eingerichtet“.</p>")
    assert [k for k in read(offer, refusal, no_second, quoting) if k[1] == "approve"] == []


def test_a_note_recording_a_second_extension_counts_and_says_so() -> None:
    ticket = PastTicket(4711, "x", at(1), (), (agent("Zweite Verlängerung eingerichtet (Ausnahme).", note=True),))
    [found] = read_past_ticket(ticket, PACK)
    assert (found.request_type, found.outcome) == ("program_extension", "approve") and is_second_extension(found)


def test_ac_marker_tags_named_in_a_note_or_set_on_the_ticket_mark_their_gesture() -> None:
    assert ("club_pause", "approve", "marker_tag") in read(
        agent("Pause eingetragen, Tag kulanz_club_pause gesetzt.", note=True)
    )
    assert ("coach_extension", "approve", "marker_tag") in read(
        agent("Tag memb_intueat_coach_1.0_extended_6weeks in AC gesetzt.", note=True)
    )
    assert ("program_extension", "approve", "ticket_tag") in read(
        agent("<p>Erledigt.</p>"), tags=("kulanz_verlaengerung",)
    )
    assert read(agent("Tag kulanz_club_pause wieder entfernt.", note=True)) == []


def test_the_workers_own_notes_and_auto_replies_are_not_read() -> None:
    own = agent("<p>Verlängerung eingerichtet.</p><p><small>Kulanz-Triage [gw:12]</small></p>", note=True)
    ooo = customer("<p>Ich bin bis 12.03. nicht im Büro. In dringenden Fällen: zentrale@example.de</p>")
    assert read(own, ooo) == []


def test_only_the_first_return_wish_of_a_ticket_is_kept() -> None:
    first = customer("<p>Ich möchte das Programm zurückgeben und mein Geld zurück.</p>", day=3)
    again = customer("<p>Ich möchte das Programm wirklich zurückgeben, bitte bestätigt mir das.</p>", day=9)
    ticket = PastTicket(4711, "Rückgabe", at(3), (), (first, again))
    [found] = read_past_ticket(ticket, PACK)
    assert (found.request_type, found.outcome, found.date) == ("program_return", "requested", date(2025, 3, 3))


def test_the_note_names_a_return_wish_from_an_imported_ticket_by_its_number() -> None:
    ticket = Ticket(
        number=9000,
        subject="Rückgabe",
        body="<p>Ich möchte das Programm zurückgeben und mein Geld zurück.</p>",
        created_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
    )
    history = (
        HistoryEntry(date(2026, 11, 5), "program_return", "requested", False, source="import", ticket_number=4711),
    )
    customer_ = Customer(program_purchase_date=date(2026, 10, 20), history=history)
    decision = decide_ticket(ticket, customer_, date(2026, 11, 20), pack=PACK)
    assert decision.outcome == "approve"  # day 16 of 30: the earlier wish counts
    assert "erster Rückgabewunsch 05.11.2026 (laut Ticket #4711)" in decision.note
