"""Mail that speaks the words of a wish and asks for none: billing, a contract renewing by itself, the customer
paying back, a wish withdrawn as a conclusion; and veiled threats read from a condition or a marksman's boast."""

from __future__ import annotations

import pytest

from tests.policies.classify_kit import read


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Raten", "Hallo, könnte ich die Ratenzahlung für mein Programm auf zwölf Monate verlängern? Danke, Ute"),
        ("", "Hi, could my instalment plan be extended to 6 months? The program is great. Best, Sam"),
        ("Abo", "Guten Tag, verlängert sich mein Club-Abo nach zwölf Monaten von selbst? Ich bleibe gern dabei."),
        ("", "Does the Club membership auto-renew after the first year? I want to stay anyway."),
        (
            "",
            "Ihr habt mir den Kaufpreis zweimal gutgeschrieben. Auf welches Konto soll ich die 89 € zurücküberweisen?",
        ),
        ("", "You refunded me twice by mistake. Should I transfer the money back to you by bank?"),
        ("Abbuchung", "Ich liebe das Programm! Aber ich habe zweimal bezahlt, bitte storniert die Doppelbuchung."),
        ("", "Love the program, no complaints. My card shows I paid twice, please cancel the duplicate."),
    ],
)
def test_billing_a_renewal_or_paying_back_is_no_goodwill_wish(subject: str, body: str) -> None:
    c = read(body, subject)
    assert c.request_type == "other", [(s.text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    "body",
    [
        "Ich wollte euch um eine Pause bitten, weil ich umziehe. Der Umzug wurde aber verschoben, "
        "ich brauche also keine Pause. Liebe Grüße",
        "I was going to ask for a refund. Then the second module clicked for me, so I don't want a refund. Cheers",
    ],
)
def test_a_wish_negated_as_a_conclusion_withdraws_the_same_wish_asked_before(body: str) -> None:
    c = read(body)
    assert c.request_type == "other"
    assert [cue.why_not for s in c.sentences for cue in s.cues] == ["retracted", "negated"]


def test_a_negated_guarantee_does_not_withdraw_a_wish_asked_before() -> None:
    c = read(
        "Ich muss die Ausbildung abbrechen und möchte meine Gebühren zurück. Schwach, dass es für die Ausbildung "
        "keine Rückgabegarantie gibt, das erzähle ich so auch weiter."
    )
    assert c.request_type == "coach_refund"


@pytest.mark.parametrize(
    "body",
    [
        "Verlängert meinen Zugang, sonst passiert einer von euren Kolleginnen noch etwas.",
        "Refund me. I'm a hunter and I never miss at 300 metres. Your staff walk that car park every evening.",
        "Ich will mein Geld. Sagt nachher nicht, ich hätte euch nicht gewarnt. Ich bin Sportschütze.",
    ],
)
def test_a_threat_from_a_condition_or_a_marksmans_boast_is_severe(body: str) -> None:
    c = read(body)
    assert (c.abusive, c.severity) == (True, "severe")


def test_a_hunter_telling_why_he_fell_behind_is_no_threat() -> None:
    c = read("Ich bin Jäger und war im Herbst viel im Revier, bitte verlängert mein Programm um vier Wochen.")
    assert (c.request_type, c.abusive) == ("program_extension", False)


def test_a_wish_withdrawn_with_a_pronoun_after_but_counts_no_more() -> None:
    c = read("Ich schreibe euch eigentlich wegen einer Pause, aber ganz ehrlich: die brauche ich jetzt nicht mehr.")
    assert c.request_type == "other"


def test_a_span_turned_down_as_no_help_and_at_least_a_longer_one_asked_is_the_longer_ask() -> None:
    from datetime import date

    from policies.decide import decide
    from policies.model import Customer, Ticket

    body = (
        "Guten Tag, meine Frau liegt seit März im Krankenhaus. Vier Wochen Verlängerung bringen mir da wenig. "
        "Ich bräuchte wenigstens zehn Wochen für die Prüfung."
    )
    coach = Customer(coach_round_start=date(2025, 9, 1), coach_end_date=date(2026, 8, 1), pro_end_date=date(2027, 3, 1))
    d = decide(Ticket(number=3, subject="Prüfung", body=body), coach, date(2026, 5, 4))
    assert (d.request_type, d.outcome, d.escalate_to) == ("coach_extension", "escalate", "coach_leads")
    assert d.facts["duration_days"] == 70


@pytest.mark.parametrize(
    "body",
    [
        "Darf man den Club eigentlich auch pausieren? Frage rein interessehalber, bei mir ist alles gut.",
        "Kann man die Prüfung verschieben, wenn was dazwischenkommt? Ich brauche momentan keine Verschiebung.",
        "Out of curiosity, is there a way to extend the programme if life happens? All good on my side.",
    ],
)
def test_a_wish_asked_as_a_question_by_someone_asking_only_to_know_is_no_request(body: str) -> None:
    assert read(body).request_type == "other"


def test_a_question_with_a_reason_and_no_word_of_curiosity_still_asks() -> None:
    assert read("Kann man das Programm verlängern? Ich lag drei Wochen im Krankenhaus.").request_type == (
        "program_extension"
    )


@pytest.mark.parametrize(
    ("body", "request_type"),
    [
        ("Ich bräuchte echt noch zwei Wochen, mein Sohn war krank.", "program_extension"),
        ("Ich will jetzt raus aus eurem Club, der bringt mir nichts mehr.", "club_cancellation"),
    ],
)
def test_more_time_or_leaving_asked_without_the_usual_verb(body: str, request_type: str) -> None:
    assert read(body).request_type == request_type


def test_a_threat_to_set_a_car_on_fire_is_severe() -> None:
    c = read("Schickt mir noch eine Absage, dann zünde ich eurer Chefin den Wagen an. Ich kündige den Club.")
    assert (c.abusive, c.severity) == (True, "severe")
    assert not read("Ich zünde jeden Abend eine Kerze an und höre die Audios.").abusive


@pytest.mark.parametrize(
    "body",
    [
        "Seit dem Unfall meines Mannes pflege ich ihn zu Hause und komme zu nichts. Was könnt ihr mir da anbieten?",
        "Ich bin seit Wochen krank und hänge überall hinterher. Ehrlich, ich weiß nicht mehr weiter. Gruß, Ines",
        "Mit dem neuen Job und den Kindern schaffe ich gar nichts mehr. Lässt sich da irgendwas machen?",
        "My mother moved in with us after her stroke and I have no time left at all. Is there anything you can do?",
        "I signed up three weeks ago and honestly regret it. Can I still change my mind?",
    ],
)
def test_an_open_plea_after_a_hardship_is_a_wish_to_clarify(body: str) -> None:
    c = read(body)
    assert c.request_type == "unclear", [(s.text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Datenschutz", "Hiermit widerrufe ich meine Einwilligung, dass mein Foto auf eurer Website gezeigt wird."),
        ("", "I hereby withdraw my consent to receive marketing e-mails. I am keeping the program, of course."),
    ],
)
def test_a_consent_withdrawn_is_no_return(subject: str, body: str) -> None:
    c = read(body, subject)
    assert c.request_type == "other", [(s.text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    "body",
    [
        "Bis wann läuft mein Programm? Verlängern oder pausieren müsst ihr nichts, ich krieg das schon hin.",
        "Eine Bekannte meinte, ich solle den Club in der Reha pausieren lassen - das möchte ich aber ausdrücklich nicht! "
        "Kann ich die Live-Calls als Aufzeichnung sehen?",
        "Letztes Frühjahr habt ihr meinen Club während meiner Reha pausiert - danke nochmal! Wo finde ich die Termine?",
        "Im Programm wird ein Hochleistungsmixer empfohlen, den habe ich mir bei Amazon bestellt. Leider ist er zu laut. "
        "Kann ich den zurückgeben?",
        "The live session sounds great. Can I extend the invitation to my sister, or does she need to register?",
        "Nur mal theoretisch: wenn ich meinen Job verlieren würde, könnte ich dann aus dem Club vorzeitig raus?",
    ],
)
def test_a_wish_turned_down_told_as_past_about_another_thing_or_in_theory_asks_nothing(body: str) -> None:
    c = read(body)
    assert c.request_type == "other", [(s.text, s.cues) for s in c.sentences]


def test_an_article_is_no_pronoun_that_carries_another_object_over() -> None:
    c = read(
        "Mir fehlen drei Wochen vom Programm und Ende ist laut Mail schon Anfang Juni. "
        "Wäre es möglich, dass ihr mir die verlorene Zeit hinten dranhängt?"
    )
    assert c.request_type == "program_extension", [(s.text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        (
            "Refund policy before I buy",
            "Hi, I'm thinking about buying the 12-week programme. What's your refund policy exactly?",
        ),
        ("", "Hallo, bevor ich bestelle: zählen die 30 Tage für die Rückgabe ab dem Kauf oder ab dem ersten Login?"),
        (
            "",
            "Gilt die Garantie ab dem Kauf des Rezeptpakets? Zurückgeben will ich übrigens nichts, ich will nur sicher sein.",
        ),
        (
            "",
            "Ab wann zählen die 30 Tage für die Rückgabe - ab Kauf oder ab Start? Ich möchte nur wissen, wie das geregelt ist.",
        ),
    ],
)
def test_a_question_about_the_return_rules_is_no_return(subject: str, body: str) -> None:
    c = read(body, subject)
    assert c.request_type == "other", [(s.text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    "body",
    [
        "Ich habe bei Amazon das Buch einer Autorin bestellt. Wie kann ich das Buch zurückgeben? Ich möchte mein Geld zurück.",
        "After your webinar I bought the book you recommended on Amazon. It's not really for me. Can I get a refund through you?",
        "Ich habe das Buch Ihrer Gründerin bei Thalia bestellt, leider kam es beschädigt an. Kann ich es bei Ihnen zurückgeben?",
    ],
)
def test_money_back_for_a_thing_bought_elsewhere_is_about_that_thing(body: str) -> None:
    c = read(body)
    assert c.request_type == "other", [(s.text, s.object_text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        # booking an exam date is no purchase still to come
        (
            "Before I book though: my deadline is the 4th of July and I'd rather take the exam on 21 July. "
            "Could I have my access extended by a few weeks so I can take that one?",
            "coach_extension",
        ),
        # a form or an invoice is nothing bought: the money asked for is the program's
        (
            "Ich hatte euch die Rückgabe schon im April geschrieben. Dass ich das Formular erst jetzt ausgefüllt habe, "
            "lag an eurem kaputten Link.\n\nBitte endlich erstatten.",
            "program_return",
        ),
        (
            "Bitte schicken Sie mir die Rechnung für das Programm, das ich Ende Februar gekauft habe, noch einmal zu.\n\n"
            "Zugleich möchte ich Sie bitten, den Kauf rückgängig zu machen und mir den Betrag zu erstatten.",
            "program_return",
        ),
    ],
)
def test_a_paper_or_a_booked_date_does_not_take_the_wish_from_our_product(body: str, wanted: str) -> None:
    c = read(body)
    assert c.request_type == wanted, [(s.text, s.object_text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    "body",
    [
        # a parcel of another shop's, named with what was in it
        "ich möchte das Paket zurückgeben, die Küchenwaage ist mit einem Sprung im Glas angekommen. "
        "Ich dachte, die Waage war bei euch als Bonus zum Programm dabei.",
        # the pronoun's thing is named in the sentence after it
        "Schatz, kannst du das bitte verlängern? Ich hab den Bibliotheksausweis nicht dabei.",
        # a promotion, a browser add-on
        "Könnt ihr die Frühbucher-Aktion für intuslim noch ein paar Tage verlängern? Ich würde gern einsteigen.",
        "Hi, is there a Chrome extension for intueat? I'd like reminders for the check-ins.",
        # the rules asked about before committing to buy
        "I'm seriously considering the coach training. Before I commit that amount of money I'd like to understand "
        "your refund policy.",
    ],
)
def test_the_same_verb_for_another_things_time_or_money_is_no_goodwill_wish(body: str) -> None:
    c = read(body)
    assert c.request_type == "other", [(s.text, s.object_text, s.cues) for s in c.sentences]


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        ("I've made my decision: I'd like to return intueat and have my money refunded.", "program_return"),
        ("Ich muss die intueat Coach-Ausbildung abbrechen und hätte gern die Gebühr zurück.", "coach_refund"),
    ],
)
def test_intueat_is_the_program_and_its_coach_training_is_named_as_such(body: str, wanted: str) -> None:
    c = read(body)
    assert c.request_type == wanted, [(s.text, s.object_text, s.cues) for s in c.sentences]
