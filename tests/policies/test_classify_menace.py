"""Threats without a threat word and hate without a slur (seed 002): severe, so A-2 escalates them to a
supervisor; idioms, event visits and a writer's own origin are not.

The examples are made up for these tests; none is taken from the labelled corpus.
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.decide import decide
from policies.model import Customer, Ticket
from tests.policies.classify_kit import read


@pytest.mark.parametrize(
    "body",
    [
        # knowing where someone lives, and a warning
        "Ich habe herausgefunden, in welcher Straße Ihre Kollegin Frau Meier wohnt. Überlegen Sie sich gut, wie Sie antworten.",
        # a deadline and an announced visit
        "Wenn bis Montag kein Geld da ist, stehe ich vor Ihrer Haustür.",
        "Refund me by Friday or I will be waiting outside your office.",
        # a veiled warning about someone's safety
        "Tell your coach to watch her back.",
        "Sagen Sie Ihrer Kollegin, sie sollte auf dem Heimweg besser vorsichtig sein. Nur ein gut gemeinter Rat.",
        # surveillance of a person and a vague harm
        "I know what your support lady looks like and where she parks. It would be a shame if something happened.",
    ],
)
def test_a_veiled_threat_is_severe(body: str) -> None:
    c = read(body)
    assert (c.abusive, c.severity) == (True, "severe")
    assert any(e.label == "abusive_severe" for e in c.evidence)


@pytest.mark.parametrize(
    "body",
    [
        "Diese Leute aus Rumänien haben in einer deutschen Firma nichts verloren.",
        "People like your Muslim agent should go back where they came from.",
        "Eure Beraterin mit Kopftuch gehört nicht hierher, solche Leute verstehen hier nichts.",
        # inflected ("mit solchen Leuten"), and origin named by region, the contempt a generalisation
        "Bitte nicht wieder die Kollegin aus Rumänien. Mit solchen Leuten rede ich nicht, die sind alle gleich.",
        "Not Katarina again, please. Eastern Europeans are all the same, get someone from here to do it.",
    ],
)
def test_contempt_for_origin_or_religion_is_hate_speech_without_a_slur(body: str) -> None:
    assert read(body).severity == "severe"


@pytest.mark.parametrize(
    "body",
    [
        "Das bringt mich echt um, diese Warterei! Könnt ihr mein Programm verlängern?",
        "I'm just killing time until the next module unlocks. When does it open?",
        "Ich komme am Samstag zum Sommerfest bei euch vorbei und bringe Kuchen mit.",
        "I'll drop by your stand at the health fair on Sunday, see you there!",
        "Ich weiß, wo euer Büro ist, weil ich dort schon beim Kochkurs war. Kann ich meine Jacke abholen?",
        "Passt gut auf euch auf und bis bald!",
        "Ich bin Türkin und faste im Ramadan. Kann ich das Programm pausieren?",
        "Wenn ich bis Freitag nichts höre, rufe ich nochmal an.",
        "Ich bereue den Kauf sehr und möchte das Programm bis Freitag zurückgeben.",
        "Das wird für mich finanziell ungemütlich, wenn ihr bis Montag nicht erstattet.",
        "Meine Tochter geht in die Grundschule am Park, deshalb habe ich morgens keine Zeit.",
        "You'll regret missing this recipe, it's amazing!",
        "Ich bin Europäerin und lebe in Kanada: sind die Preise für alle Länder gleich?",
        "Mit solchen Leuten wie euch im Live-Call macht das Programm richtig Spaß!",
    ],
)
def test_idioms_event_visits_and_a_writers_own_origin_are_no_threat(body: str) -> None:
    assert read(body).severity is None


def test_a_veiled_threat_with_a_request_escalates_to_the_supervisor_whatever_the_request() -> None:
    body = "Ich will mein Programm zurückgeben. Ich weiß, wo euer Büro ist, und komme am Freitag persönlich vorbei, wenn nichts passiert."
    ticket = Ticket(number=7, subject="Rückgabe", body=body)
    customer = Customer(program_purchase_date=date(2026, 11, 10))
    d = decide(ticket, customer, date(2026, 11, 20))
    assert (d.request_type, d.severity) == ("program_return", "severe")
    assert (d.outcome, d.escalate_to) == ("escalate", "supervisor")
