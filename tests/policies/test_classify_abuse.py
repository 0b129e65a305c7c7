"""Abuse (seed 002): hurled insults, shouting, threats and hate speech; not reported insults or frustration."""

from __future__ import annotations

from tests.policies.classify_kit import evidence_text, labels, read


def test_an_insult_asking_for_nothing_is_abuse() -> None:
    c = read("Was für ein Saftladen. Ihr seid doch alle inkompetente Vollidioten.")
    assert (c.request_type, c.abusive, c.severity) == ("abuse", True, None)
    assert "Saftladen" in evidence_text(c, "abusive")
    assert "Vollidioten" in evidence_text(c, "abusive")


def test_an_insult_with_a_request_keeps_the_request_type() -> None:
    c = read("Kündigt endlich meinen Club, ihr Deppen.")
    assert (c.request_type, c.abusive, c.severity) == ("club_cancellation", True, None)


def test_a_threat_of_violence_is_severe() -> None:
    c = read("Ich weiß wo ihr wohnt. Ich komme vorbei und dann knallt es.")
    assert (c.request_type, c.abusive, c.severity) == ("abuse", True, "severe")
    assert "abusive_severe" in labels(c)


def test_a_threat_with_a_request_is_severe_and_keeps_the_request() -> None:
    c = read("Extend my program or I will come to your office and beat you up.")
    assert (c.request_type, c.abusive, c.severity) == ("program_extension", True, "severe")


def test_hate_speech_is_severe() -> None:
    c = read("Bei euch arbeiten doch nur Kanaken, kein Wunder dass nichts funktioniert.")
    assert (c.abusive, c.severity) == (True, "severe")


def test_long_shouting_counts_as_abusive() -> None:
    c = read("IHR SEID DIE SCHLECHTESTE FIRMA DIE ES GIBT UND NIEMAND HILFT MIR!!!")
    assert c.abusive and c.severity is None


def test_a_single_shouted_word_is_not_abusive() -> None:
    assert not read("DRINGEND: Ich möchte mein Programm pausieren.").abusive


def test_a_quoted_insult_is_not_abuse() -> None:
    c = read('Im Live-Call hat mich eine Teilnehmerin als "fette Kuh" bezeichnet. Wie kann ich das melden?')
    assert not c.abusive
    assert c.request_type == "other"


def test_an_insult_reported_from_a_colleague_is_not_abuse() -> None:
    assert not read("Ihr Kollege am Telefon sagte zu mir 'Sie Idiot'. Das finde ich nicht in Ordnung.").abusive
    assert not read("Someone in the Facebook group called me a stupid cow. Please remove it.").abusive


def test_calling_oneself_names_is_not_abuse() -> None:
    assert not read("Ich bin doch kein Idiot, der Link funktioniert einfach nicht.").abusive
    assert not read("Ich fühle mich wie ein Trottel, weil ich das gekauft habe. Kann ich es zurückgeben?").abusive


def test_polite_frustration_is_not_abuse() -> None:
    c = read("Ich bin wirklich enttäuscht und ziemlich sauer, aber bitte kündigt meine Mitgliedschaft im Club. Danke.")
    assert not c.abusive
    assert c.request_type == "club_cancellation"


def test_a_legal_threat_is_not_violence() -> None:
    c = read("Wenn ich mein Geld für das Programm nicht zurückbekomme, schalte ich meinen Anwalt ein.")
    assert (c.abusive, c.severity) == (False, None)
    assert c.request_type == "program_return"


def test_an_insult_aimed_at_the_customers_boss_or_bank_is_not_abuse_of_the_team() -> None:
    for body in (
        "Meine Vermieterin, diese elende Hexe, hat mir gekündigt, deshalb hänge ich hinterher. Könnt ihr verlängern?",
        "Die Vollidioten bei meiner Versicherung haben alles verschlampt. Gibt es ein paar Wochen mehr für mich?",
        "My moron of a boss made me work every weekend. Could I have a few more weeks?",
    ):
        c = read(body)
        assert (c.request_type, c.abusive) == ("program_extension", False), body


def test_an_insult_at_the_team_next_to_a_third_party_is_still_abuse() -> None:
    assert read("Ihr Vollidioten seid schlimmer als meine Versicherung. Verlängert endlich!").abusive
    assert read("Meine Bank, ihr Deppen, hat das Geld längst überwiesen.").abusive


def test_calling_the_founder_names_in_the_third_person_is_abusive() -> None:
    assert read("Euer Gründer ist ein Betrüger, der nur Geld will. Ich will mein Geld zurück.").abusive
    assert read("Your coach is a con man and everybody knows it.").abusive


def test_sexual_harassment_of_an_agent_is_abusive() -> None:
    assert read("Schick mir lieber ein Selfie, gern eins ohne viel an. Und verlängert mir den Zugang.").abusive
    assert read("Na, Schätzchen, das ist was für die Großen. Ich will den Club pausieren.").abusive


def test_contempt_for_a_whole_trade_is_not_abuse_of_the_team() -> None:
    c = read("Die ganze Fitnessbranche sind für mich nur Abzocker und Halsabschneider. Bei euch fühle ich mich wohl.")
    assert not c.abusive
    assert read("Ihr seid genauso Halsabschneider wie die ganze Fitnessbranche.").abusive


def test_being_vexed_with_oneself_is_no_threat() -> None:
    c = read("Ich könnte mich selbst erschlagen, ich habe die Frist verschwitzt. Geht noch was mit der Rückgabe?")
    assert not c.abusive
    assert read("Ich werde euch erschlagen.").severity == "severe"


def test_swearing_at_an_app_is_not_abuse_and_at_people_it_is() -> None:
    assert not read(
        "I've spent more time fighting this fucking app than doing a workout. How do I get the audios?"
    ).abusive
    assert read("You fucking idiots, where is my refund?").abusive
