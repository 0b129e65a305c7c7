"""Spans of time written without a number of weeks, and earlier gestures the customer speaks of.

A coach extension is the agent's own decision only up to 6 weeks, a Club pause only up to 6 months. Customers
name the time they need by a season ("bis zum Herbst"), a year ("bis Ende 2027"), a quarter or "ein paar Monate",
or with no end at all ("bis ich wieder auf dem Damm bin"). An approval must never rest on less than was asked, so
these are read as spans, and a span without an end holds an approval for a person (`span_beyond`).

A customer who writes that they were extended before tells of an earlier ticket, which counts as the history does
(K-3), though the snapshot may not hold it (a gesture granted by hand, under another address). And where a gesture
is on file for a request whose clause does not apply K-3 itself (a Club exit with its documents), the approval is
decided and waits for a person (`prior_gesture`).
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.decide import decide
from policies.offline.case import parse_case
from policies.reading.extract import durations
from policies.reading.text import fold
from policies.vocab import Outcome
from tests.policies.classify_kit import read

COACH = {
    "tags": ["coach_intueat_2025"],
    "coach_round_start": "2025-10-01",
    "coach_end_date": "2027-04-01",
    "pro_end_date": "2027-04-01",
    "history": [],
}
PROGRAM = {
    "tags": ["prog_intuitiv_abnehmen_12w"],
    "program_purchase_date": "2026-07-01",
    "program_end_date": "2026-09-23",
    "history": [],
}


def _decide(
    body: str, customer: dict, subject: str = "Frage", written: str = "2026-09-14", attachments: tuple[str, ...] = ()
) -> object:
    ticket, cust, today, overrun = parse_case(
        {
            "ticket": {
                "number": 7,
                "subject": subject,
                "body": body,
                "created_at": f"{written}T09:30:00Z",
                "customer_email": "t@example.de",
                "attachments": list(attachments),
            },
            "customer": customer,
            "today": written,
        }
    )
    return decide(ticket, cust, today, usage_overrun=overrun)


def _spans(text: str, written: date = date(2026, 9, 14)) -> list[tuple[int | None, str]]:
    folded = fold(text)
    return [(days, kind) for _, _, days, kind in durations(folded, written)]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Könnt ihr die Frist um ein Quartal schieben?", 90),
        ("Ich bräuchte ein Semester länger.", 180),
        ("Ich brauche wohl noch einige Monate.", 60),
        ("Could I have a couple of months more?", 60),
    ],
)
def test_a_quarter_a_semester_and_some_months_are_spans_of_a_known_least_length(text: str, days: int) -> None:
    assert (days, "span") in _spans(text)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Bitte verlängert bis zum Frühling.", 6 * 30),  # September to March
        ("Geht es bis Ende des Sommers 2027? Bis Ende des Jahres wäre auch ok.", 4 * 30),  # "bis Ende des Jahres"
        ("Could it run until next spring?", 6 * 30),
        ("Bitte bis Ende 2027 verlängern.", 16 * 30),  # September 2026 to December 2027, both months counted
        ("Bis Anfang nächsten Jahres bitte.", 4 * 30),
        ("Könnt ihr den Club für den Rest des Jahres ruhen lassen?", 4 * 30),  # September to December
        ("Ginge die Prüfung auf die Zeit nach Ostern?", 8 * 30),  # September to April
    ],
)
def test_a_season_or_a_year_the_time_runs_to_is_counted_from_the_month_of_the_mail(text: str, days: int) -> None:
    assert (days, "until") in _spans(text)


def test_an_amount_of_money_after_a_year_is_no_year_the_time_runs_to() -> None:
    assert all(kind != "until" for _, kind in _spans("Ich zahle bis 2000 Euro, wenn es sein muss."))


@pytest.mark.parametrize(
    "text",
    [
        "Ich möchte pausieren, bis ich wieder richtig auf dem Damm bin.",
        "Bitte verlängern, so lange wie es eben dauert.",
        "Can the deadline be moved until I am fully recovered?",
        "Ich würde gern in eine spätere Gruppe wechseln.",
        "Könnt ihr mir die verlorene Zeit gutschreiben?",
        "Wie lange die Behandlung geht, weiß ich leider nicht.",
        "There is no end in sight with my treatment.",
        "Ab März bin ich im Mutterschutz.",
    ],
)
def test_a_span_without_an_end_is_read_as_open(text: str) -> None:
    assert any(kind == "open" for _, kind in _spans(text))


def test_a_coach_extension_asked_until_a_season_months_away_goes_to_the_coach_leads() -> None:
    d = _decide(
        "Hallo, nach meinem Bandscheibenvorfall lag ich lange flach. Könntet ihr meine Prüfungsfrist bis zum "
        "Frühling verlängern? Danke, Jana",
        {**COACH, "coach_end_date": "2026-10-02", "pro_end_date": "2027-05-02"},
        "Prüfungsfrist",
    )
    assert d.outcome == Outcome.ESCALATE and d.escalate_to == "coach_leads"
    assert d.facts["duration_days"] and d.facts["duration_days"] > 42


def test_a_coach_extension_asked_for_a_quarter_is_more_than_six_weeks() -> None:
    d = _decide(
        "Mein Vater ist im August gestorben und ich komme nicht hinterher. Kann ich für die Coach-Ausbildung ein "
        "Quartal mehr Zeit bekommen?",
        COACH,
        "Ausbildung",
    )
    assert d.outcome == Outcome.ESCALATE and d.facts["duration_days"] == 90


def test_a_coach_extension_until_the_trainee_is_well_again_is_decided_and_waits_for_a_person() -> None:
    d = _decide(
        "Liebes Team, ich habe eine schwere Lungenentzündung und brauche für meine Coach-Ausbildung mehr Zeit, "
        "bis ich wieder gesund bin. Viele Grüße, Ole",
        COACH,
        "Ausbildung",
    )
    assert d.reading is not None and "span_beyond" in d.reading["doubts"] and d.reading["agreed"] is False
    assert "ohne festes Ende" in d.note


def test_a_customer_who_writes_she_was_extended_before_has_a_prior_gesture_though_the_snapshot_shows_none() -> None:
    d = _decide(
        "Hallo, ihr hattet mir im Frühjahr schon einmal das Programm verlängert, dafür nochmals danke. Leider "
        "hatte ich jetzt einen Bandscheibenvorfall. Ginge noch etwas Zeit?",
        PROGRAM,
        "Programm",
    )
    # an earlier ticket counts as history does (K-3 / K-EXT-2), and the note says where the gesture comes from
    assert d.outcome == Outcome.OFFER_ALTERNATIVE and d.alternative == "coaching_call"
    assert d.facts["prior_goodwill"]["claimed"] == "schon einmal das Programm verlängert"
    assert "laut Mail „schon einmal das Programm verlängert“" in d.note


def test_asking_for_another_extension_in_english_is_a_claim_of_an_earlier_one() -> None:
    d = _decide(
        "Hi team, my dad was in hospital for most of August. Would another extension of my programme be possible? "
        "Thanks, Rob",
        PROGRAM,
        "Programme",
    )
    assert d.outcome != Outcome.APPROVE and d.facts["prior_goodwill"]["count"] == 1


def test_a_trainee_who_writes_she_got_weeks_before_goes_to_the_coach_leads() -> None:
    d = _decide(
        "Liebes Team, ihr habt mir letzten Winter schon zwei Wochen geschenkt. Jetzt musste ich operiert werden und "
        "brauche für die Ausbildung wieder etwas mehr Zeit.",
        COACH,
        "Ausbildung",
    )
    assert d.outcome == Outcome.ESCALATE and d.escalate_to == "coach_leads"


def test_a_club_exit_with_its_certificate_after_an_earlier_gesture_is_decided_and_waits_for_a_person() -> None:
    customer = {
        "tags": ["club_member"],
        "club_start_date": "2024-05-01",
        "history": [{"date": "2025-11-03", "request_type": "program_extension", "outcome": "approve", "applied": True}],
    }
    d = _decide(
        "Hallo, ich bin seit August arbeitslos und möchte den Club kündigen. Der Bescheid der Arbeitsagentur ist "
        "angehängt.",
        customer,
        "Club kündigen",
        attachments=("Bescheid_Arbeitsagentur_Aug2026.pdf",),
    )
    assert d.outcome == Outcome.APPROVE  # K-CLUB-EXIT as decided
    assert d.reading is not None and "prior_gesture" in d.reading["doubts"] and d.reading["agreed"] is False
    assert "In der Regel gibt es eine Kulanz pro Kund:in (K-3)" in d.note


def test_the_six_week_tag_alone_is_an_earlier_coach_extension() -> None:
    customer = {**COACH, "tags": ["coach_intueat_2025", "memb_intueat_coach_1.0_extended_6weeks"]}
    d = _decide(
        "Hallo, nach einem Autounfall lag ich drei Wochen im Krankenhaus. Kann ich für die Ausbildung mehr Zeit "
        "bekommen?",
        customer,
        "Ausbildung",
    )
    assert d.outcome == Outcome.ESCALATE


def test_extending_once_more_is_no_claim_of_an_earlier_extension() -> None:
    d = _decide(
        "Hallo, wegen einer Gürtelrose konnte ich drei Wochen nichts machen. Könntet ihr mein Programm noch einmal "
        "um ein paar Wochen verlängern?",
        PROGRAM,
        "Programm",
    )
    assert d.outcome == Outcome.APPROVE and d.facts["prior_goodwill"]["count"] == 0


def test_a_return_within_the_guarantee_is_not_held_for_an_earlier_gesture() -> None:
    customer = {"tags": ["prog_intuitiv_abnehmen_12w"], "program_purchase_date": "2026-09-01", "history": []}
    d = _decide(
        "Hallo, ihr hattet mir schon einmal das Programm verlängert, aber jetzt möchte ich das neue Programm "
        "zurückgeben.",
        customer,
        "Rückgabe",
    )
    assert d.outcome == Outcome.APPROVE and d.reading is not None and "prior_gesture" not in d.reading["doubts"]


def test_a_day_asked_for_past_the_coach_end_is_the_new_end_asked() -> None:
    customer = {**COACH, "coach_end_date": "2026-10-02", "pro_end_date": "2027-05-02"}
    near = _decide(
        "Hallo, nach einer Gürtelrose lag ich vier Wochen flach. Meine Frist ist der 2. Oktober. Wenn ich bis zum "
        "9. November Zeit bekäme, schaffe ich die Prüfung.",
        customer,
        "Frist",
    )
    assert near.outcome == Outcome.APPROVE and near.facts["asked_days"] == 38
    far = _decide(
        "Hallo, nach einer Gürtelrose lag ich vier Wochen flach. Meine Frist ist der 2. Oktober. Könnte ich sie bis "
        "zum 20. Dezember verschieben?",
        customer,
        "Frist",
    )
    assert far.outcome == Outcome.ESCALATE and "bis 20.12.2026" in far.note


def test_a_day_only_told_is_no_end_asked_for() -> None:
    # written in September: "am 2. Dezember" (no year) is read as this year's, after the end, but is only told
    customer = {**COACH, "coach_end_date": "2026-10-02", "pro_end_date": "2027-05-02"}
    d = _decide(
        "Hallo, am 2. Dezember habe ich meinen Termin in der Klinik, davor hatte ich wochenlang eine Lungenentzündung. "
        "Könnte ich die sechs Wochen Verlängerung bekommen?",
        customer,
        "Frist",
    )
    assert d.outcome == Outcome.APPROVE and "asked_until" not in d.facts


@pytest.mark.parametrize(
    ("body", "days"),
    [
        ("Nach meiner Lungenembolie bräuchte ich für die Ausbildung mindestens sechs Wochen mehr Zeit, eher mehr.", 43),
        ("Nach meiner Lungenembolie brauche ich mehr Zeit für die Ausbildung. Ich bräuchte ungefähr zwei Monate.", 60),
    ],
)
def test_a_span_asked_as_the_least_or_about_is_what_is_asked(body: str, days: int) -> None:
    d = _decide(body, COACH, "Ausbildung")
    assert d.facts["duration_days"] == days and d.outcome == Outcome.ESCALATE


def test_a_feast_in_a_report_is_no_span() -> None:
    assert all(kind != "until" for _, kind in _spans("Kurz nach Weihnachten bin ich krank geworden."))


CLUB = {"tags": ["club_member"], "club_start_date": "2026-02-01", "history": []}


@pytest.mark.parametrize(
    "reason",
    [
        "Seit fünf Monaten dabei und kein einziges Kilo runter, für mich lohnt sich das nicht.",
        "I haven't lost a single pound and I don't see the point in paying on.",
        "Ich nutze den Club praktisch nie, ich komme einfach nicht dazu.",
        "Ich habe inzwischen einen Personal Trainer und brauche den Club nicht mehr.",
        "Wir wandern im Herbst nach Portugal aus.",
        "The calls repeat themselves and there is nothing new for me.",
    ],
)
def test_a_club_exit_for_a_reason_that_is_not_weighty_is_declined_not_asked_about(reason: str) -> None:
    d = _decide(f"Hallo, ich möchte meine Club-Mitgliedschaft vorzeitig kündigen. {reason} Danke, Ines", CLUB, "Club")
    assert d.request_type == "club_cancellation" and d.outcome == Outcome.DENY
    assert d.facts["reason"] is not None and d.facts["reason_weighty"] is False


def test_a_month_asked_until_runs_on_from_the_coach_end_date_not_from_the_mail() -> None:
    # written on 14 September, the deadline is 2 October: "bis Ende Oktober" is 29 days past it
    customer = {**COACH, "coach_end_date": "2026-10-02", "pro_end_date": "2027-05-02"}
    d = _decide(
        "Hallo, ich hatte im August eine Lungenentzündung und lag wochenlang flach. Könnte ich die Prüfung bis Ende "
        "Oktober verschieben?",
        customer,
        "Frist",
    )
    assert d.outcome == Outcome.APPROVE and d.facts["asked_days"] == 29


def test_an_attest_sent_as_asked_names_the_reason_of_a_club_exit() -> None:
    d = _decide(
        "Hallo, anbei wie besprochen das Attest meiner Neurologin. Bitte beendet den Club vorzeitig.",
        CLUB,
        "AW: Club",
        attachments=("Attest_Neurologie_2026-09.pdf",),
    )
    assert d.facts["reason"] == "illness" and d.outcome == Outcome.APPROVE


@pytest.mark.parametrize(
    ("body", "severe"),
    [
        ("Wenn ihr wieder ablehnt, komme ich vorbei und haue Ihnen den Brief um die Ohren.", True),
        ("Ich könnte mich ohrfeigen, dass ich die Frist verpasst habe.", False),
        ("Wir hatten zu Hause viel um die Ohren, darum bitte ich um mehr Zeit.", False),
    ],
)
def test_hitting_someone_about_the_ears_is_a_threat_and_the_idioms_are_not(body: str, severe: bool) -> None:
    d = _decide(body, PROGRAM, "Programm")
    assert (d.severity == "severe") is severe


@pytest.mark.parametrize(
    "body",
    [
        "Nach meiner Knie-OP bin ich völlig raus. Könnte ich die Prüfung erst im Februar schreiben?",
        "Seit dem Tod meiner Mutter komme ich zu nichts. Ich würde lieber bei den Prüfungsterminen im Frühjahr mitmachen.",
        "After my surgery I am far behind. Could I take the exam at the next date in January instead?",
        "Nach der Trennung bin ich völlig durch. Dezember wäre realistisch für die Prüfung, früher schaffe ich es nicht.",
    ],
)
def test_an_exam_month_aimed_at_without_until_is_the_end_asked(body: str) -> None:
    # deadline 2 October, written 14 September: each month aimed at lies more than six weeks past the deadline
    customer = {**COACH, "coach_end_date": "2026-10-02", "pro_end_date": "2027-05-02"}
    d = _decide(body, customer, "Prüfung")
    assert d.outcome == Outcome.ESCALATE and d.escalate_to == "coach_leads", d.note
    assert d.facts["asked_days"] > 42


@pytest.mark.parametrize(
    "body",
    [
        "Im Februar hatte ich eine schwere OP und lag lange flach. Könnte ich die sechs Wochen Verlängerung bekommen?",
        "Die Lungenentzündung, die sich bis Mitte Dezember gezogen hat, hat mich zurückgeworfen. Könnte ich mehr Zeit "
        "für die Prüfung bekommen?",
        "Ich würde gern sechs Wochen länger für die Prüfung haben, im Januar ist mein Sohn zur Welt gekommen.",
    ],
)
def test_a_month_told_as_the_past_or_beside_a_span_is_no_end_asked(body: str) -> None:
    customer = {**COACH, "coach_end_date": "2026-10-02", "pro_end_date": "2027-05-02"}
    d = _decide(body, customer, "Prüfung")
    assert "asked_until" not in d.facts, d.facts


@pytest.mark.parametrize(
    ("body", "request_type"),
    [
        (
            "Könnte ich die Prüfung erst im Februar schreiben? Mir fehlt nach der OP einfach die Kraft.",
            "coach_extension",
        ),
        ("Can I sit the exam later? My father is in hospital.", "coach_extension"),
        ("Kann ich beim nächsten Prüfungstermin antreten statt jetzt?", "coach_extension"),
        ("Wann sind eigentlich die nächsten Prüfungstermine?", "other"),
        ("Die Prüfung habe ich gern gemacht, danke für alles!", "other"),
    ],
)
def test_the_exam_taken_at_a_later_time_is_a_coach_extension_wish(body: str, request_type: str) -> None:
    assert read(body, "Ausbildung").request_type == request_type


@pytest.mark.parametrize(
    ("body", "request_type"),
    [
        ("I have to ask you to end my intumind Club membership early, I lost my job.", "club_cancellation"),
        ("I'm writing to ask for an early end to my Club membership.", "club_cancellation"),
        ("Grüezi, ich möchte den Club per Ende Monat künden.", "club_cancellation"),
        ("Bitte stoppt die Abbuchung für den Club, ich will ihn nicht mehr.", "club_cancellation"),
        ("Could you stop my Club membership for now? I'm in hospital for a month.", "club_pause"),
        ("Bitte stoppt die Abbuchungen für den Club bis einschließlich September, ich bin in Reha.", "club_pause"),
        ("Unsere Kunden fragen oft nach euch. Wie funktioniert euer Partnerprogramm?", "other"),
    ],
)
def test_a_club_exit_written_without_the_usual_verb_is_read(body: str, request_type: str) -> None:
    assert read(body, "Club").request_type == request_type


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("RAV_Bestaetigung_Maerz2026.pdf", "unemployment"),
        ("UWV_besluit_WW_2026.pdf", "unemployment"),
        ("jobcentre_letter_2026-09-01.pdf", "unemployment"),
        ("Bescheid_AfA_2026-09-01.pdf", "unemployment"),
        ("neurologist_letter_Holt.pdf", "illness"),
    ],
)
def test_the_offices_of_other_countries_name_the_certificate_attached(name: str, reason: str) -> None:
    d = _decide(
        "Hallo, wie besprochen schicke ich euch den Nachweis. Bitte beendet meinen Club vorzeitig.",
        CLUB,
        "AW: Club",
        attachments=(name,),
    )
    assert d.facts["reason"] == reason and d.outcome == Outcome.APPROVE, d.facts


@pytest.mark.parametrize(
    ("body", "request_type"),
    [
        (
            "Wäre es möglich, nochmal ungefähr vier Wochen dranzuhängen? Dann mache ich die Prüfung im Januar.",
            "coach_extension",
        ),
        ("Could I have one more month on top? My father is in hospital again.", "program_extension"),
        ("Is there any way I could have a bit longer on the program? It runs out on the 21st.", "program_extension"),
        ("Ich würde gern vorzeitig aus der Mitgliedschaft raus.", "club_cancellation"),
        (
            "Bitte lassen Sie meine Club-Mitgliedschaft bis Februar ruhen, ich bitte Sie, sie ruhen zu lassen.",
            "club_pause",
        ),
        ("Realistically I'll need a break from the club until the end of the year.", "club_pause"),
        ("Ich hänge euch das Attest dran.", "other"),
    ],
)
def test_more_time_and_an_exit_written_in_everyday_words_are_read(body: str, request_type: str) -> None:
    assert read(body).request_type == request_type


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Ich bitte um eine Verlängerung um ein Vierteljahr.", 90),
        ("Ich bräuchte wohl ein Dreivierteljahr Pause.", 270),
    ],
)
def test_a_quarter_of_a_year_is_a_span_of_its_own(text: str, days: int) -> None:
    assert (days, "span") in _spans(text)


def test_the_end_of_a_quarter_aimed_at_for_the_exam_is_the_end_asked() -> None:
    d = _decide(
        "Meine Prüfungsfrist läuft am 13. Februar ab. Ich bitte Sie, mir die Frist bis Ende Q1 zu verschieben, ich bin in Reha.",
        {**COACH, "coach_end_date": "2026-02-13", "pro_end_date": "2026-08-13"},
        "Frist",
        "2026-01-20",
    )
    assert "2026-03-31" in d.facts["dates_asked"] and d.outcome == Outcome.ESCALATE, d.facts
