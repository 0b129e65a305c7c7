"""A reply that brings what we asked for goes on with the request we asked about (policies/reading/follow_up.py)."""

from __future__ import annotations

from policies.decide import decide
from policies.offline.case import parse_case
from policies.vocab import Outcome


def _decide(body: str, subject: str, history: list[dict], attachments: tuple[str, ...] = (), today: str = "2026-06-02"):
    ticket, customer, day, overrun = parse_case(
        {
            "ticket": {
                "number": 9,
                "subject": subject,
                "body": body,
                "created_at": f"{today}T09:00:00Z",
                "customer_email": "k@example.de",
                "attachments": list(attachments),
            },
            "customer": {"tags": ["memb_intumind_club"], "club_start_date": "2025-09-01", "history": history},
            "today": today,
        }
    )
    return decide(ticket, customer, day, usage_overrun=overrun)


ASKED = [{"date": "2026-05-28", "request_type": "club_cancellation", "outcome": "needs_info", "applied": False}]


def test_a_reply_with_the_certificate_asked_for_continues_the_club_exit() -> None:
    d = _decide(
        "Hallo, anbei wie gewünscht der Bescheid.\nGruß Jana",
        "Re: Deine Kündigungsanfrage",
        ASKED,
        ("Bewilligungsbescheid_ALG1.pdf",),
    )
    assert d.request_type == "club_cancellation" and d.outcome == Outcome.APPROVE, d.note
    assert _continued(d) and "Antwort auf unsere Rückfrage vom 28.05.2026" in d.note


def _continued(d) -> bool:
    """The rule reading went on with the open request (the second reader may still read the mail otherwise)."""
    return d.reading["rules"]["request_type"] != "other" and "Antwort auf unsere Rückfrage" in d.note


def test_a_reply_that_withdraws_the_request_ends_it() -> None:
    d = _decide("Hallo, das hat sich erledigt, ich bleibe doch im Club.", "Re: Deine Kündigungsanfrage", ASKED)
    assert not _continued(d) and d.outcome != Outcome.APPROVE


def test_a_first_message_or_an_old_question_does_not_continue_anything() -> None:
    assert not _continued(_decide("Anbei der Bescheid.", "Bescheid", ASKED, ("Bescheid.pdf",)))
    old = [{**ASKED[0], "date": "2026-03-01"}]
    assert not _continued(_decide("Anbei der Bescheid.", "Re: Kündigung", old, ("Bescheid.pdf",)))


def test_a_question_answered_later_is_closed() -> None:
    closed = [*ASKED, {"date": "2026-05-30", "request_type": "club_cancellation", "outcome": "deny", "applied": False}]
    assert not _continued(_decide("Anbei der Bescheid.", "Re: Kündigung", closed, ("Bescheid.pdf",)))


WHICH_ONE = [{"date": "2026-05-30", "request_type": "unclear", "outcome": "clarify", "applied": False}]


def test_naming_the_club_in_answer_to_which_one_is_the_club_exit_asked_for_explicitly() -> None:
    d = _decide(
        "Hallo Lisa,\n\ndanke für die Rückfrage. Ich meine den Club. Das Programm ist ja eh schon abgelaufen.\n\n"
        "Ich bin seit März arbeitslos, die Bescheinigung der Agentur für Arbeit hängt an.\n\nGruß Dagmar",
        'AW: Deine Nachricht "bitte abmelden"',
        WHICH_ONE,
        ("Bescheinigung_Arbeitsagentur.pdf",),
    )
    assert d.request_type == "club_cancellation" and d.outcome == Outcome.APPROVE, d.note
    assert d.reading["rules"]["request_type"] == "club_cancellation"


def test_an_exit_reason_without_weight_in_answer_to_which_one_is_denied_not_asked_again() -> None:
    d = _decide("Den Club. Da will ich raus, ich nutze das seit Monaten nicht mehr.", "AW: Ihre Abmeldung", WHICH_ONE)
    assert d.request_type == "club_cancellation" and d.outcome == Outcome.DENY, d.note


def test_naming_the_newsletter_first_in_answer_to_which_one_stays_no_goodwill_case() -> None:
    d = _decide(
        "Den Newsletter bitte stoppen. Der Club bleibt, den nutze ich ja noch.", "Re: Deine Nachricht", WHICH_ONE
    )
    assert d.reading["rules"]["request_type"] == "other" and d.outcome != Outcome.APPROVE, d.note


def test_naming_the_program_in_answer_to_which_one_settles_nothing_by_itself() -> None:
    d = _decide("Es geht um das Programm.", "Re: Deine Nachricht", WHICH_ONE)
    assert d.reading["rules"]["request_type"] != "club_cancellation" and d.outcome != Outcome.APPROVE, d.note
