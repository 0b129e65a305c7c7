"""The German labels: one table per vocabulary, a label for every member, and the notes' snippets built from them."""

from __future__ import annotations

from enum import StrEnum
from types import SimpleNamespace

import pytest

from policies.model import DATE_FIELDS, HistoryEntry
from policies.reading.classification import (
    DOCUMENT_KINDS,
    NOT_WEIGHTY_REASONS,
    WEIGHTY_REASONS,
)
from policies.render import labels, notes
from policies.vocab import (
    AbuseStep,
    ActionState,
    Alternative,
    EscalationTarget,
    InboxStatus,
    Measure,
    Mode,
    Outcome,
    RequestType,
)

TABLES: list[tuple[type[StrEnum], dict[str, str]]] = [
    (RequestType, labels.REQUEST_TYPE),
    (Outcome, labels.OUTCOME),
    (Outcome, labels.OUTCOME_TITLE),
    (Alternative, labels.ALTERNATIVE),
    (EscalationTarget, labels.ESCALATION_TARGET),
    (Measure, labels.MEASURE),
    (AbuseStep, labels.ABUSE_STEP),
    (Mode, labels.MODE),
    (ActionState, labels.ACTION_STATE),
    (InboxStatus, labels.INBOX_STATUS),
]


@pytest.mark.parametrize(("enum", "table"), TABLES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_member_of_a_vocabulary_has_a_german_label_and_nothing_else_does(
    enum: type[StrEnum], table: dict[str, str]
) -> None:
    assert set(table) == {m.value for m in enum}
    assert all(isinstance(text, str) and text.strip() == text and text for text in table.values())


def test_the_classifier_vocabularies_and_the_date_fields_have_labels_too() -> None:
    assert set(labels.FIELD) == set(DATE_FIELDS)
    assert set(labels.REASON) == WEIGHTY_REASONS | NOT_WEIGHTY_REASONS
    assert set(labels.DOCUMENT) == set(DOCUMENT_KINDS)


def test_a_stored_plain_string_finds_its_label_and_an_unknown_one_shows_itself() -> None:
    assert labels.REQUEST_TYPE["club_pause"] == labels.REQUEST_TYPE[RequestType.CLUB_PAUSE] == "Club-Pause"
    assert labels.label(labels.FIELD, "program_end_date") == "Programm-Ende"
    assert labels.label(labels.FIELD, "new_field") == "new_field"
    assert labels.label(labels.FIELD, None) == "–"


def test_the_ui_outcomes_are_the_notes_words_capitalised() -> None:
    assert labels.OUTCOME_TITLE[Outcome.APPROVE] == "Genehmigen"
    assert labels.OUTCOME_TITLE[Outcome.CLARIFY] == "Nachfragen"
    assert labels.OUTCOME_TITLE[Outcome.ESCALATE] == "Eskalieren"


def test_the_review_follow_up_names_fields_as_the_note_does_and_escapes_what_it_is_given() -> None:
    applied = [
        SimpleNamespace(op="add_tag", tag="a<b", field=None, value=None),
        SimpleNamespace(op="set_field", tag=None, field="program_end_date", value="2027-01-28"),
    ]
    body = notes.review_follow_up(True, "Anna <A>", applied, "ok & gut", "[gw:3:review]")
    assert "von Anna &lt;A&gt;" in body and "Tag <b>a&lt;b</b> in ActiveCampaign gesetzt" in body
    assert "Programm-Ende auf <b>2027-01-28</b> gesetzt" in body and "Kommentar: ok &amp; gut" in body
    assert body.endswith("<p><small>Kulanz-Triage [gw:3:review]</small></p>")
    rejected = notes.review_follow_up(False, "Bo", [], None, "[gw:3:review]")
    assert rejected.startswith("<p><b>Kulanz-Triage: Abgelehnt</b> von Bo.")


def test_the_decision_note_frame_has_the_shadow_banner_and_the_escaped_links() -> None:
    shadow = notes.decision_note("<p>X</p>", "[gw:1]", shadow=True)
    assert shadow == (
        "<p><b>Vorschlag (Schattenmodus):</b> In ActiveCampaign wurde nichts geändert.</p>\n<p>X</p>\n"
        "<p><small>Kulanz-Triage [gw:1]</small></p>"
    )
    assist = notes.decision_note(
        "<p>X</p>", "[gw:1]", shadow=False, links=('https://x/a"b', "https://x/r"), valid_days=7
    )
    assert '<a href="https://x/a&quot;b">Änderungen jetzt anwenden</a>' in assist and "(Link 7 Tage gültig)" in assist


def test_the_prior_goodwill_line_lists_entries_and_tags_or_says_there_are_none() -> None:
    from datetime import date

    entry = HistoryEntry(date=date(2026, 1, 5), request_type="program_pause", outcome="approve", applied=True)
    assert notes.prior_goodwill_why([entry], ["kulanz-x"]) == "2026-01-05 program_pause (ledger); Tag kulanz-x"
    assert notes.prior_goodwill_why([], []).startswith("keine angewandte Kulanz")
