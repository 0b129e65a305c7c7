from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from responses import matchers
from vendor_testkit import FAST, load_fixture

from integrations.errors import ApiNotFound, ApiProtocolError, ApiRateLimited, ApiServerError, ApiUnauthorized
from integrations.groove import GrooveClient, GrooveTaggingDisabled, parse_groove_datetime

TOKEN = "groove-token-abc"
API = "https://api.groovehq.com/v1"
GQL = "https://api.groovehq.com/v2/graphql"


def client(limiter=None, **kw) -> GrooveClient:
    return GrooveClient(base_url="https://api.groovehq.com", token=TOKEN, settings=FAST, limiter=limiter, **kw)


def page(messages, current, total_pages):
    nxt = f"http://api.groovehq.dev/v1/tickets/1/messages?page={current + 1}" if current < total_pages else None
    return {
        "messages": messages,
        "meta": {
            "pagination": {"current_page": current, "total_pages": total_pages, "total_count": 0, "next_page": nxt}
        },
    }


def message(created_at, body, author="customers/kunde@example.com", note=False, href_id="5"):
    return {
        "created_at": created_at,
        "updated_at": created_at,
        "note": note,
        "body": body,
        "plain_text_body": body,
        "href": f"https://api.groovehq.com/v1/messages/{href_id}",
        "links": {
            "author": {"href": f"https://api.groovehq.com/v1/{author}"},
            "ticket": {"href": "https://api.groovehq.com/v1/tickets/1"},
        },
    }


@responses.activate
def test_get_ticket_reads_the_documented_ticket_shape_with_bearer_auth(limiter):
    responses.get(f"{API}/tickets/1", json=load_fixture("groove", "api_v1_ticket_response.json"))
    ticket = client(limiter).get_ticket(1)
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert limiter.acquired == [("groove", FAST.limiter_timeout)]
    assert ticket.number == 1
    assert ticket.title == "Hello"
    assert ticket.tags == ("important",)
    assert ticket.message_count == 1
    # the explicit email field wins over the differing href in the docs example
    assert ticket.customer_email == "customer@example.com"
    assert ticket.assignee == "matt@groovehq.com"
    assert ticket.created_at == datetime(2012, 7, 17, 13, 41, 1, tzinfo=UTC)


@responses.activate
def test_an_unknown_ticket_raises_not_found():
    responses.get(f"{API}/tickets/999", status=404, json={"errors": "Not found"})
    with pytest.raises(ApiNotFound):
        client().get_ticket(999)


@responses.activate
def test_a_rejected_token_is_unauthorized_and_the_message_says_what_to_check():
    responses.get(f"{API}/tickets/1", status=401, json={"message": "invalid token"})
    with pytest.raises(ApiUnauthorized) as info:
        client().get_ticket(1)
    assert "GROOVE_API_TOKEN" in str(info.value)
    assert TOKEN not in str(info.value)


@responses.activate
def test_a_ticket_response_without_a_ticket_is_a_protocol_error():
    responses.get(f"{API}/tickets/1", json={"tickets": []})
    with pytest.raises(ApiProtocolError):
        client().get_ticket(1)


@responses.activate
def test_list_messages_reads_every_page_with_fifty_per_page_and_returns_oldest_first():
    # Newest first from the API, spread over two pages.
    responses.get(
        f"{API}/tickets/1/messages",
        match=[matchers.query_param_matcher({"page": "1", "per_page": "50"})],
        json=page(
            [
                message("2026-11-03T12:00:00Z", "drei", href_id="3"),
                message("2026-11-03 11:00:00 +0100", "zwei", author="agents/a@x.de", href_id="2"),
            ],
            1,
            2,
        ),
    )
    responses.get(
        f"{API}/tickets/1/messages",
        match=[matchers.query_param_matcher({"page": "2", "per_page": "50"})],
        json=page([message("2026-11-03 09:00:00 UTC", "eins", href_id="1")], 2, 2),
    )
    messages = client().list_messages(1)
    assert [m.body_html for m in messages] == ["eins", "zwei", "drei"]
    assert [m.id for m in messages] == ["1", "2", "3"]
    assert messages[1].author_kind == "agent" and messages[1].author_email == "a@x.de"
    assert messages[0].from_customer and messages[0].author_email == "kunde@example.com"
    assert messages[0].ticket_number == 1
    assert len(responses.calls) == 2


@responses.activate
def test_list_messages_parses_the_documented_list_example_and_stops_at_next_page_null():
    body = load_fixture("groove", "api_v1_messages_list_response.json")
    body["meta"]["pagination"].update(total_pages=1, next_page=None)
    responses.get(f"{API}/tickets/1/messages", json=body)
    [msg] = client().list_messages(1)
    assert msg.id == "5" and msg.note is False and msg.plain_text == "Some body text"
    assert msg.author_kind == "customer" and msg.author_email == "customer@somewhere.com"
    assert len(responses.calls) == 1


@responses.activate
def test_an_empty_page_ends_the_listing_even_if_pagination_claims_more():
    responses.get(f"{API}/tickets/1/messages", json=page([], 1, 9))
    assert client().list_messages(1) == []
    assert len(responses.calls) == 1


@responses.activate
def test_post_note_sends_an_internal_note_and_returns_the_new_message_id():
    created = load_fixture("groove", "api_v1_message_response.json")
    created["message"]["href"] = "https://api.groovehq.com/v1/messages/4810291604"
    responses.post(f"{API}/tickets/101/messages", json=created, status=201)
    message_id = client(note_author="kulanz-bot@intumind.example").post_note(101, "<p>Vorschlag</p>")
    assert message_id == "4810291604"
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"body": "<p>Vorschlag</p>", "note": True, "author": "kulanz-bot@intumind.example"}
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"


@responses.activate
def test_post_note_without_a_configured_author_sends_no_author_and_is_never_retried():
    responses.post(f"{API}/tickets/101/messages", status=502, json={})
    with pytest.raises(ApiServerError):
        client().post_note(101, "<p>x</p>")
    assert len(responses.calls) == 1
    assert "author" not in json.loads(responses.calls[0].request.body)


@responses.activate
def test_get_customer_escapes_the_email_in_the_path_and_returns_none_when_unknown():
    responses.get(
        f"{API}/customers/anna%2Btest%40example.com", json=load_fixture("groove", "api_v1_customer_response.json")
    )
    responses.get(f"{API}/customers/nobody%40example.com", status=404, json={})
    customer = client().get_customer("anna+test@example.com")
    assert customer is not None
    assert customer.name == "John Smith" and customer.company_name == "SomeCompany Pty Ltd"
    assert customer.email == "customer@example.com"
    assert client().get_customer("nobody@example.com") is None


@responses.activate
def test_a_customer_with_first_and_last_name_gets_a_full_name():
    responses.get(
        f"{API}/customers/a%40b.de", json={"customer": {"email": "a@b.de", "first_name": "Anna", "last_name": "B"}}
    )
    customer = client().get_customer("a@b.de")
    assert customer.name == "Anna B" and customer.first_name == "Anna"


@responses.activate
def test_list_customer_tickets_filters_by_customer_and_reads_all_pages():
    def tickets_page(numbers, current, total):
        return {
            "tickets": [{"number": n, "title": f"T{n}", "created_at": f"2026-01-0{n}T10:00:00Z"} for n in numbers],
            "meta": {
                "pagination": {
                    "current_page": current,
                    "total_pages": total,
                    "next_page": "x" if current < total else None,
                }
            },
        }

    responses.get(
        f"{API}/tickets",
        match=[matchers.query_param_matcher({"customer": "k@x.de", "page": "1", "per_page": "50"})],
        json=tickets_page([1, 2], 1, 2),
    )
    responses.get(
        f"{API}/tickets",
        match=[matchers.query_param_matcher({"customer": "k@x.de", "page": "2", "per_page": "50"})],
        json=tickets_page([3], 2, 2),
    )
    tickets = client().list_customer_tickets("k@x.de")
    assert [t.number for t in tickets] == [1, 2, 3]


@responses.activate
def test_create_ticket_posts_the_documented_parameters():
    responses.post(
        f"{API}/tickets",
        status=201,
        json={"ticket": {"number": 77, "title": "Kulanz", "state": "unread"}},
        headers={"Location": f"{API}/tickets/77"},
    )
    ticket = client().create_ticket(
        body="<p>Hallo</p>",
        from_="kunde@example.com",
        to="support@intumind.example",
        subject="Kulanz",
        tags=["fair-use"],
        mailbox="Inbox",
    )
    assert ticket.number == 77
    assert json.loads(responses.calls[0].request.body) == {
        "body": "<p>Hallo</p>",
        "from": "kunde@example.com",
        "to": "support@intumind.example",
        "subject": "Kulanz",
        "mailbox": "Inbox",
        "tags": ["fair-use"],
    }


def test_groove_dates_in_all_seen_formats_parse_to_aware_datetimes():
    assert parse_groove_datetime("2012-07-17T13:41:01Z") == datetime(2012, 7, 17, 13, 41, 1, tzinfo=UTC)
    plus = parse_groove_datetime("2017-12-14 20:09:19 +0530")
    assert plus.utcoffset() == timedelta(hours=5, minutes=30)
    assert parse_groove_datetime("2017-12-14 15:54:26 UTC") == datetime(2017, 12, 14, 15, 54, 26, tzinfo=UTC)
    assert parse_groove_datetime("Thu, 14 Dec 2017 15:54:26 +0000").tzinfo is not None
    assert parse_groove_datetime("gestern") is None
    assert parse_groove_datetime(None) is None


def test_messages_with_attachment_objects_expose_their_names():
    from integrations.groove import GrooveMessage

    msg = GrooveMessage.from_api(
        {"attachments": [{"filename": "attest.pdf"}, {"url": "https://x/y/scan%201.png"}, "a.txt"]}
    )
    assert msg.attachments == ("attest.pdf", "scan 1.png", "a.txt")
    assert msg.attachments_listed and msg.attachments_message_id is None  # the names are there already


# -- attachments, mailboxes, the ticket listing ---------------------------------------------------
@responses.activate
def test_a_listed_message_links_its_attachments_and_the_client_asks_for_them(limiter):
    # The documented listing: no inline `attachments`, a link `…/v1/attachments?message=764578238`.
    listing = load_fixture("groove", "api_v1_messages_list_response.json")
    listing["meta"]["pagination"].update(total_pages=1, next_page=None)  # the one page of a one-message ticket
    responses.get(f"{API}/tickets/1/messages", json=listing)
    responses.get(
        f"{API}/attachments",
        match=[matchers.query_param_matcher({"message": "764578238"})],
        json=load_fixture("groove", "api_v1_attachments_response.json"),
    )
    c = client(limiter)
    [msg] = c.list_messages(1)
    assert msg.attachments == () and not msg.attachments_listed
    assert msg.attachments_message_id == "764578238"  # from the link, not the message href's id (5)
    [attachment] = c.list_attachments(msg.attachments_message_id)
    assert (attachment.filename, attachment.size, attachment.name) == ("an-attachment.pdf", 100249, "an-attachment.pdf")
    assert [c.request.url.split("?")[0] for c in responses.calls] == [f"{API}/tickets/1/messages", f"{API}/attachments"]
    assert len(limiter.acquired) == 2  # both inside the Groove budget


@responses.activate
def test_a_message_the_attachments_endpoint_does_not_know_has_no_attachments():
    responses.get(f"{API}/attachments", status=404, json={"errors": "Message not found"})
    assert client().list_attachments("1") == []


def test_an_attachment_without_an_extension_is_named_from_its_content_type():
    from integrations.groove import GrooveAttachment

    assert GrooveAttachment.from_api({"filename": "Scan", "content_type": "image/jpeg"}).name == "Scan.jpg"
    assert GrooveAttachment.from_api({"filename": "Attest", "content_type": "application/pdf"}).name == "Attest.pdf"
    assert GrooveAttachment.from_api({"filename": "x.pdf", "content_type": "image/png"}).name == "x.pdf"
    # the documented example's URL has no file name in its path: the name is the filename alone
    recorded = load_fixture("groove", "api_v1_attachments_response.json")["attachments"][0]
    assert GrooveAttachment.from_api({**recorded, "filename": None}).name == ""


@responses.activate
def test_list_mailboxes_reads_the_recorded_listing():
    responses.get(f"{API}/mailboxes", json=load_fixture("groove", "api_v1_mailboxes_response.json"))
    [box] = client().list_mailboxes()
    assert (box.id, box.name, box.email) == ("1324123", "Inbox", "support@mywebsite.com")
    assert box.known_as("SUPPORT@mywebsite.com") and box.known_as(1324123) and box.known_as("inbox")
    assert not box.known_as("Kundendienst")


@responses.activate
def test_list_tickets_reads_one_page_of_all_tickets_with_its_pagination():
    ticket = load_fixture("groove", "api_v1_ticket_response.json")["ticket"]
    responses.get(
        f"{API}/tickets",
        match=[matchers.query_param_matcher({"page": "2", "per_page": "50"})],
        json={
            "tickets": [ticket, {"title": "no number"}],
            "meta": {"pagination": {"current_page": 2, "total_pages": 3, "total_count": 101, "next_page": "x"}},
        },
    )
    page = client().list_tickets(2)
    assert [t.number for t in page.tickets] == [1]
    assert (page.page, page.total_pages, page.total_count, page.last) == (2, 3, 101, False)


# -- GraphQL tags --------------------------------------------------------------------------------
def gql(operation):
    """Match a GraphQL POST by the operation name in its query."""

    def match(request):
        body = json.loads(request.body)
        ok = f" {operation}(" in body["query"] or f" {operation} " in body["query"]
        return ok, "" if ok else f"not {operation}"

    return match


def test_tagging_is_refused_when_the_graphql_setting_is_off():
    with responses.RequestsMock() as mock:
        with pytest.raises(GrooveTaggingDisabled):
            client().tag_ticket(101, ["kulanz"])
        assert len(mock.calls) == 0


@responses.activate
def test_tag_ticket_finds_the_conversation_creates_a_missing_tag_and_tags_it():
    responses.post(
        GQL,
        match=[gql("ConversationByNumber")],
        json={"data": {"conversation": {"id": "cnv_0000000101", "number": 101}}},
    )
    responses.post(
        GQL,
        match=[gql("Tags")],
        json={
            "data": {
                "tags": {
                    "nodes": [{"id": "tag_1", "name": "VIP"}],
                    "pageInfo": {"hasNextPage": False, "endCursor": None},
                }
            }
        },
    )
    responses.post(
        GQL,
        match=[gql("TagCreate")],
        json={"data": {"tagCreate": {"tag": {"id": "tag_2", "name": "kulanz"}, "errors": []}}},
    )
    responses.post(
        GQL,
        match=[gql("ConversationTag")],
        json={"data": {"conversationTag": {"conversation": {"id": "cnv_0000000101"}, "errors": []}}},
    )
    c = client(graphql_tags=True)
    assert c.tag_ticket(101, ["vip", "kulanz"]) == ("tag_1", "tag_2")
    last = json.loads(responses.calls[-1].request.body)
    assert last["variables"] == {"input": {"conversationId": "cnv_0000000101", "tagIds": ["tag_1", "tag_2"]}}
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    # warm caches: a second tagging costs only the mutation
    before = len(responses.calls)
    c.tag_ticket(101, ["kulanz"])
    assert len(responses.calls) == before + 1


@responses.activate
def test_graphql_errors_inside_a_200_are_protocol_errors():
    responses.post(
        GQL, json={"data": None, "errors": [{"message": "Field 'conversation' doesn't exist on type 'Query'"}]}
    )
    with pytest.raises(ApiProtocolError) as info:
        client(graphql_tags=True).tag_ticket(5, ["x"])
    assert "doesn't exist" in str(info.value)


@responses.activate
def test_mutation_errors_as_data_are_protocol_errors():
    responses.post(GQL, match=[gql("ConversationByNumber")], json={"data": {"conversation": {"id": "cnv_1"}}})
    responses.post(
        GQL,
        match=[gql("Tags")],
        json={"data": {"tags": {"nodes": [{"id": "t", "name": "x"}], "pageInfo": {"hasNextPage": False}}}},
    )
    responses.post(
        GQL,
        match=[gql("ConversationTag")],
        json={
            "data": {
                "conversationTag": {"conversation": None, "errors": [{"path": ["tagIds"], "message": "is invalid"}]}
            }
        },
    )
    with pytest.raises(ApiProtocolError) as info:
        client(graphql_tags=True).tag_ticket(5, ["x"])
    assert "is invalid" in str(info.value)


def scripted_graphql(script: dict[str, list[dict]]) -> None:
    """One callback for the GraphQL endpoint; answers each operation from its queue (last one repeats)."""

    def callback(request):
        query = json.loads(request.body)["query"]
        op = query.split("(", 1)[0].split()[-1]
        queue = script[op]
        return 200, {}, json.dumps(queue.pop(0) if len(queue) > 1 else queue[0])

    responses.add_callback(responses.POST, GQL, callback=callback)


@responses.activate
def test_a_tag_created_concurrently_is_found_after_has_already_been_taken():
    scripted_graphql(
        {
            "ConversationByNumber": [{"data": {"conversation": {"id": "cnv_1"}}}],
            "Tags": [
                {"data": {"tags": {"nodes": [], "pageInfo": {"hasNextPage": False}}}},
                {"data": {"tags": {"nodes": [{"id": "t9", "name": "Kulanz"}], "pageInfo": {"hasNextPage": False}}}},
            ],
            "TagCreate": [
                {
                    "data": {
                        "tagCreate": {
                            "tag": None,
                            "errors": [{"path": ["attributes", "name"], "message": "has already been taken"}],
                        }
                    }
                }
            ],
            "ConversationTag": [{"data": {"conversationTag": {"conversation": {"id": "cnv_1"}, "errors": []}}}],
        }
    )
    assert client(graphql_tags=True).tag_ticket(5, ["kulanz"]) == ("t9",)
    ops = [json.loads(c.request.body)["query"].split("(", 1)[0].split()[-1] for c in responses.calls]
    assert ops == ["ConversationByNumber", "Tags", "TagCreate", "Tags", "ConversationTag"]


@responses.activate
def test_the_tag_list_is_read_across_cursor_pages():
    scripted_graphql(
        {
            "ConversationByNumber": [{"data": {"conversation": {"id": "cnv_1"}}}],
            "Tags": [
                {
                    "data": {
                        "tags": {
                            "nodes": [{"id": "t1", "name": "a"}],
                            "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
                        }
                    }
                },
                {
                    "data": {
                        "tags": {
                            "nodes": [{"id": "t2", "name": "b"}],
                            "pageInfo": {"hasNextPage": False, "endCursor": "c2"},
                        }
                    }
                },
            ],
            "ConversationTag": [{"data": {"conversationTag": {"conversation": {"id": "cnv_1"}, "errors": []}}}],
        }
    )
    assert client(graphql_tags=True).tag_ticket(5, ["B"]) == ("t2",)
    second_tags_call = json.loads(responses.calls[2].request.body)
    assert second_tags_call["variables"] == {"first": 100, "after": "c1"}


@responses.activate
def test_a_groove_429_is_rate_limited_with_its_retry_after(limiter):
    responses.post(f"{API}/tickets/1/messages", status=429, json={}, headers={"Retry-After": "7"})
    with pytest.raises(ApiRateLimited) as info:
        client(limiter).post_note(1, "x")
    assert info.value.retry_after == 7.0
    assert limiter.paused == [("groove", 7.0)]
