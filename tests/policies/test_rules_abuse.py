"""A-1, A-2, A-3: abusive messages."""

from __future__ import annotations

from datetime import date

import pytest

from policies.model import Customer, Evidence, HistoryEntry
from tests.policies.rules_kit import run

RUDE = (Evidence("abusive", "ihr Idioten"),)
THREAT = (Evidence("abusive_severe", "ich komme vorbei und dann knallt es"),)


def incidents(n: int) -> tuple[HistoryEntry, ...]:
    return tuple(
        HistoryEntry(date=date(2026, 1, i + 1), request_type="abuse", outcome="escalate", applied=False)
        for i in range(n)
    )


def test_an_abusive_message_asking_for_nothing_goes_to_the_supervisor() -> None:
    d = run("abuse", abusive=True, evidence=RUDE)
    assert (d.request_type, d.outcome, d.escalate_to, d.abusive) == ("abuse", "escalate", "supervisor", True)
    assert d.clauses == ("A-1", "A-2", "A-3")


def test_an_abusive_message_read_as_other_is_an_abuse_case() -> None:
    d = run("other", abusive=True, evidence=RUDE)
    assert (d.request_type, d.outcome, d.escalate_to) == ("abuse", "escalate", "supervisor")


def test_an_abusive_message_asking_for_help_that_is_no_goodwill_stays_other_with_the_abuse_line() -> None:
    # it asks for something (an invoice, a login), so that request's outcome holds; "abuse" is the type of a
    # message that asks for nothing at all
    d = run("other", abusive=True, evidence=(*RUDE, Evidence("other", "Rechnung")))
    assert (d.request_type, d.outcome, d.escalate_to, d.abusive) == ("other", "no_action", None, True)
    assert d.clauses == ("A-1", "A-2", "A-3")
    assert "Ruhig bleiben" in d.note and d.actions == ()


def test_a_threat_with_a_question_that_is_no_goodwill_goes_to_the_supervisor_as_other() -> None:
    d = run("other", abusive=True, severity="severe", evidence=(*THREAT, Evidence("other", "Passwort")))
    assert (d.request_type, d.outcome, d.escalate_to, d.severity) == ("other", "escalate", "supervisor", "severe")
    assert "Rechtliche Schritte möglich" in d.note


def test_a_rude_message_with_a_request_gets_the_requests_outcome_and_the_abuse_line() -> None:
    d = run("program_extension", Customer(program_end_date=date(2026, 12, 31)), abusive=True, evidence=RUDE)
    assert (d.request_type, d.outcome, d.escalate_to, d.abusive) == ("program_extension", "approve", None, True)
    assert d.clauses == ("K-EXT-1", "A-1", "A-2", "A-3")
    assert len(d.actions) == 2
    assert "Ruhig bleiben" in d.note and "Grenzen" in d.note and "Vorgesetzte:n informieren" in d.note


def test_a_threat_is_escalated_to_the_supervisor_whatever_it_asks() -> None:
    d = run(
        "program_extension",
        Customer(program_end_date=date(2026, 12, 31)),
        abusive=True,
        severity="severe",
        evidence=THREAT,
    )
    assert (d.request_type, d.outcome, d.escalate_to, d.actions) == ("program_extension", "escalate", "supervisor", ())
    assert d.clauses[:3] == ("A-1", "A-2", "A-3") and "K-EXT-1" in d.clauses
    assert "Rechtliche Schritte möglich" in d.note and "nach Rücksprache" in d.note


@pytest.mark.parametrize(
    ("earlier", "severity", "step"),
    [
        (0, None, "warning"),
        (1, None, "written_warning"),
        (2, None, "temporary_suspension"),
        (3, None, "termination"),
        (7, None, "termination"),
        (0, "severe", "written_warning"),
        (2, "severe", "temporary_suspension"),
    ],
)
def test_the_consequence_grows_with_repetition_and_severity(earlier: int, severity: str | None, step: str) -> None:
    d = run("abuse", Customer(history=incidents(earlier)), abusive=True, severity=severity)
    assert (d.facts["abuse_step"], d.facts["abuse_earlier_incidents"]) == (step, earlier)
    assert f"{earlier + 1}. Vorfall" in d.note


def test_abuse_incidents_are_no_goodwill_gestures() -> None:
    d = run("program_extension", Customer(program_end_date=date(2026, 12, 31), history=incidents(3)))
    assert d.outcome == "approve"


def test_the_customers_words_are_quoted_escaped() -> None:
    d = run("abuse", abusive=True, evidence=(Evidence("abusive", "<script>du Idiot</script>"),))
    assert "<script>" not in d.note and "&lt;script&gt;" in d.note


@pytest.mark.parametrize(
    ("body", "request_type", "outcome"),
    [
        (
            "Ihr unfähigen Vollpfosten, seit drei Tagen komme ich nicht in mein Konto. Setzt mir das Passwort zurück!",
            "other",
            "no_action",
        ),
        ("You useless clowns sent the wrong invoice AGAIN. Send me a corrected one, idiots.", "other", "no_action"),
        ("Was für ein Saftladen. Ihr seid doch alle inkompetente Vollidioten.", "abuse", "escalate"),
    ],
)
def test_an_insult_with_a_question_that_is_no_goodwill_is_other_and_one_asking_nothing_is_abuse(
    body: str, request_type: str, outcome: str
) -> None:
    from policies.decide import decide
    from policies.model import Ticket

    d = decide(Ticket(number=9, subject="", body=body), Customer(), date(2026, 11, 23))
    assert (d.request_type, d.outcome, d.abusive) == (request_type, outcome, True)
