"""An approval that rests on "Dauer nicht genannt" waits for a person when the mail names a longer span of time.

The reader takes as asked only a span tied to the wish; a span told with the reason ("die Therapie dauert neun
Monate") is not one, so the pause is approved "bis 6 Monate" — which may be less than the customer needs. Both
readers read the request right; the rules raise the doubt (`span_beyond`), the decision is still made and shown.
"""

from __future__ import annotations

import pytest

from policies.decide import decide
from policies.offline.case import parse_case
from policies.vocab import Outcome


def _decide(body: str, customer: dict, subject: str = "Frage") -> object:
    ticket, cust, today, overrun = parse_case(
        {
            "ticket": {
                "number": 1,
                "subject": subject,
                "body": body,
                "created_at": "2026-05-20T08:00:00Z",
                "customer_email": "k@example.de",
                "attachments": [],
            },
            "customer": customer,
            "today": "2026-05-20",
        }
    )
    return decide(ticket, cust, today, usage_overrun=overrun)


CLUB = {"tags": ["memb_intueat_club"], "club_start_date": "2025-01-10", "history": []}
THERAPY = (
    "Sehr geehrtes Team,\n\nich bin schwer an einer Depression erkrankt und gehe ab Juni in eine stationäre "
    "Therapie. Die Ärzte rechnen insgesamt mit neun Monaten. Ich möchte den Club gerne pausieren und danach "
    "weitermachen.\n\nFreundliche Grüße\nHelmut Brandl"
)


def test_a_club_pause_approved_without_a_named_duration_waits_when_the_mail_names_nine_months() -> None:
    d = _decide(THERAPY, CLUB, "Club pausieren")
    assert d.outcome == Outcome.APPROVE and d.actions  # decided and shown as it would be applied
    assert d.reading is not None and d.reading["agreed"] is False
    assert "span_beyond" in d.reading["doubts"]
    assert d.facts["longest_span_days"] and d.facts["longest_span_days"] > 180
    assert "Im Text steht auch „neun Monaten“" in d.note
    assert "Die Mail nennt eine längere Zeitspanne, als die Zusage abdeckt" in d.note


def test_a_club_pause_whose_named_spans_all_fit_the_six_months_is_not_held_for_them() -> None:
    body = THERAPY.replace("insgesamt mit neun Monaten", "insgesamt mit acht Wochen")
    d = _decide(body, CLUB, "Club pausieren")
    assert d.outcome == Outcome.APPROVE
    assert d.reading is not None and "span_beyond" not in d.reading["doubts"]
    assert "Im Text steht auch" not in d.note


def test_a_club_pause_asked_for_nine_months_in_so_many_words_is_escalated_not_held() -> None:
    body = THERAPY.replace("Ich möchte den Club gerne pausieren", "Ich möchte den Club für neun Monate pausieren")
    d = _decide(body, CLUB, "Club pausieren")
    assert d.outcome == Outcome.ESCALATE
    assert d.reading is not None and "span_beyond" not in d.reading["doubts"]


def _coach(body: str) -> object:
    coach = {
        "tags": ["memb_intueat_coach"],
        "coach_round_start": "2025-09-01",
        "coach_end_date": "2026-08-01",
        "pro_end_date": "2027-03-01",
        "history": [],
    }
    return _decide(body, coach, "Verlängerung Ausbildung")


def test_a_six_week_coach_extension_waits_when_the_mail_names_three_months_still_to_come() -> None:
    d = _coach(
        "Hallo liebes Coach-Team,\n\nnach meiner Lungenentzündung muss ich in die Reha, die Ärzte rechnen insgesamt "
        "mit drei Monaten. "
        "Könnt ihr mir bitte mehr Zeit für die Prüfung der Ausbildung geben?\n\nDanke und viele Grüße\nSandra"
    )
    assert d.outcome == Outcome.APPROVE and d.facts["duration_days"] is None
    assert d.reading is not None and d.reading["agreed"] is False and "span_beyond" in d.reading["doubts"]
    assert "Im Text steht auch „drei Monaten“" in d.note


@pytest.mark.parametrize(
    "illness",
    ["ich war acht Wochen krank", "ich bin seit drei Monaten krankgeschrieben", "vor drei Monaten hatte ich Covid"],
)
def test_time_already_lost_does_not_hold_a_six_week_coach_extension(illness: str) -> None:
    d = _coach(f"Hallo Coach-Team,\n\n{illness}. Könnt ihr bitte meine Coach-Ausbildung verlängern?\n\nLG Sandra")
    assert d.outcome == Outcome.APPROVE
    assert d.reading is not None and "span_beyond" not in d.reading["doubts"]
