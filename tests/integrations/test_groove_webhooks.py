from __future__ import annotations

import pytest
from vendor_testkit import fixture_bytes

from integrations.groove import GrooveWebhook, InvalidPayload, parse_webhook


def parse(event: str, name: str) -> GrooveWebhook:
    return parse_webhook(event, fixture_bytes("groove", name))


def test_a_new_ticket_webhook_yields_the_number_and_the_customer_email():
    hook = parse("ticket_started", "ticket_started__basic.json")
    assert hook == GrooveWebhook(event="ticket_started", ticket_number=101, customer_email="anna.beispiel@example.com")


def test_the_older_documented_ticket_shape_takes_the_email_field_not_the_numeric_href():
    hook = parse("ticket_started", "ticket_started__docs_2012_shape.json")
    assert hook.ticket_number == 7
    assert hook.customer_email == "bernd.muster@example.com"


def test_a_ticket_number_sent_as_a_string_is_accepted():
    assert parse("ticket_started", "ticket_started__number_as_string.json").ticket_number == 103


def test_a_customer_reply_yields_ticket_number_message_id_and_customer():
    hook = parse("customer_replied", "customer_replied__basic.json")
    assert hook.ticket_number == 101
    assert hook.message_id == "4810291604"
    assert hook.customer_email == "anna.beispiel@example.com"  # %40 in the href is decoded
    assert hook.note is False


def test_an_agent_reply_takes_the_customer_from_the_recipient():
    hook = parse("agent_replied", "agent_replied__basic.json")
    assert (hook.ticket_number, hook.message_id) == (101, "5308968422")
    assert hook.author_email == "agent@intumind.example"
    assert hook.customer_email == "anna.beispiel@example.com"


def test_our_own_note_is_recognisable_by_author_and_note_flag():
    hook = parse("note_added", "note_added__own_note.json")
    assert hook.note is True
    assert hook.author_email == "kulanz-bot@intumind.example"
    assert hook.customer_email is None
    assert hook.ticket_number == 101


def test_a_colleagues_note_has_another_author():
    assert parse("note_added", "note_added__colleague_note.json").author_email == "agent@intumind.example"


def test_a_state_change_uses_ticket_number_and_the_nested_ticket():
    hook = parse("ticket_state_changed", "ticket_state_changed__basic.json")
    assert hook.ticket_number == 101
    assert hook.customer_email == "anna.beispiel@example.com"


def test_the_event_name_is_normalised():
    assert parse(" Ticket_Started ", "ticket_started__basic.json").event == "ticket_started"


def test_the_body_is_parsed_as_json_whatever_the_content_type_and_may_be_text():
    text = fixture_bytes("groove", "ticket_assigned__agent_only.json").decode()
    assert parse_webhook("ticket_assigned", text).ticket_number == 102


@pytest.mark.parametrize(
    "raw,reason",
    [
        (fixture_bytes("groove", "ticket_started__truncated_json.json"), "not valid JSON"),
        (fixture_bytes("groove", "customer_added__no_ticket.json"), "no ticket number"),
        (b"", "empty"),
        (b"   ", "empty"),
        (b"[1, 2]", "not a JSON object"),
        (b"\xff\xfe{", "not UTF-8"),
        (b'{"number": 0}', "no ticket number"),
        (b'{"number": true}', "no ticket number"),
        (b'{"number": "12a"}', "no ticket number"),
        (b"payload=%7B%22number%22%3A1%7D", "not valid JSON"),
    ],
)
def test_unusable_bodies_raise_invalid_payload_with_a_reason(raw, reason):
    with pytest.raises(InvalidPayload) as info:
        parse_webhook("ticket_started", raw)
    assert reason in info.value.reason


def test_a_utf8_bom_does_not_break_parsing():
    assert parse_webhook("ticket_started", b'\xef\xbb\xbf{"number": 5}').ticket_number == 5
