"""Our clients against the sandbox, in-process (the sandbox served on a free port in a thread)."""

from __future__ import annotations

import json
import time

import pytest
import requests
from vendor_testkit import FIXTURES

from integrations.activecampaign import ActiveCampaignClient
from integrations.errors import ApiClientError, ApiNotFound, ApiRateLimited, ApiServerError, ApiUnauthorized
from integrations.groove import GrooveClient, parse_webhook
from integrations.http import HttpSettings
from integrations.sandbox import start_sandbox

SEED = json.loads((FIXTURES / "groove" / "sandbox_seed__two_tickets.json").read_text())
FIELD_MAP = {"program_end_date": "PROGRAM_END_DATE", "club_start_date": "CLUB_START_DATE"}
NO_RETRY = HttpSettings(get_attempts=1, connect_timeout=2, read_timeout=5)
GROOVE_AUTH = {"Authorization": "Bearer g-token"}


@pytest.fixture
def sandbox():
    running = start_sandbox(seed=SEED, groove_tokens={"g-token"}, ac_tokens={"ac-token"})
    yield running
    running.stop()


def groove(sandbox, **kw) -> GrooveClient:
    return GrooveClient(base_url=sandbox.groove_base_url, token="g-token", settings=NO_RETRY, **kw)


def ac(sandbox, **kw) -> ActiveCampaignClient:
    return ActiveCampaignClient(
        base_url=sandbox.ac_base_url, token="ac-token", field_map=FIELD_MAP, settings=NO_RETRY, **kw
    )


def state(sandbox) -> dict:
    return requests.get(f"{sandbox.url}/_sandbox/state", timeout=5).json()


def test_the_groove_client_reads_a_seeded_ticket_its_messages_and_customer(sandbox):
    client = groove(sandbox)
    ticket = client.get_ticket(101)
    assert ticket.title == "Verlängerung nach Krankheit"
    assert ticket.customer_email == "anna.beispiel@example.com"
    messages = client.list_messages(101)
    assert [m.plain_text for m in messages] == ["Ich war drei Wochen krank.", "Gute Besserung!", "Hier das Attest."]
    assert [m.author_kind for m in messages] == ["customer", "agent", "customer"]
    # Like Groove's v1 listing: no inline names, a link to GET /v1/attachments?message=<id>.
    assert all(m.attachments == () and m.attachments_message_id for m in messages)
    assert [a.name for a in client.list_attachments(messages[2].attachments_message_id)] == ["attest.pdf"]
    assert client.list_attachments(messages[0].attachments_message_id) == []
    assert all(m.id for m in messages)
    customer = client.get_customer("anna.beispiel@example.com")
    assert customer.name == "Anna Beispiel"
    assert client.get_customer("nobody@example.com") is None
    with pytest.raises(ApiNotFound):
        client.get_ticket(999)


def test_the_message_listing_has_the_documented_shape_without_an_inline_attachments_array(sandbox):
    documented = json.loads((FIXTURES / "groove" / "api_v1_messages_list_response.json").read_text())
    served = requests.get(f"{sandbox.groove_base_url}/v1/tickets/101/messages", headers=GROOVE_AUTH, timeout=5).json()
    assert set(served) == set(documented) and set(served["meta"]["pagination"]) == set(documented["meta"]["pagination"])
    for message in served["messages"]:
        assert "attachments" not in message and "id" not in message
        assert set(message["links"]) >= {"attachments", "author", "ticket"}
        assert set(documented["messages"][0]) - {"links"} <= set(message)
    link = served["messages"][0]["links"]["attachments"]["href"]  # newest first: the one with the attest
    answer = requests.get(link, headers=GROOVE_AUTH, timeout=5).json()
    recorded = json.loads((FIXTURES / "groove" / "api_v1_attachments_response.json").read_text())
    assert set(answer) == set(recorded) and set(answer["attachments"][0]) == set(recorded["attachments"][0])
    assert answer["attachments"][0]["filename"] == "attest.pdf"


def test_mailboxes_are_listed_as_recorded_and_tickets_are_created_in_one_by_email_or_id(sandbox):
    recorded = json.loads((FIXTURES / "groove" / "api_v1_mailboxes_response.json").read_text())
    served = requests.get(f"{sandbox.groove_base_url}/v1/mailboxes", headers=GROOVE_AUTH, timeout=5).json()
    assert set(served) == set(recorded)
    assert all(set(m) == set(recorded["mailboxes"][0]) for m in served["mailboxes"])
    client = groove(sandbox)
    boxes = client.list_mailboxes()
    assert boxes[0].name == "Inbox" and all(b.id and b.email for b in boxes)
    finecom = next(b for b in boxes if b.name == "Kundendienst Finecom")  # the fair-use pack's task mailbox
    for ref in (finecom.email, finecom.id):
        ticket = client.create_ticket(body="<p>x</p>", from_="agent@sandbox.invalid", to="k@example.ch", mailbox=ref)
        assert (ticket.mailbox, ticket.mailbox_id) == ("Kundendienst Finecom", finecom.id)
    with pytest.raises(ApiClientError, match="mailbox"):  # a display name is not what POST /v1/tickets takes
        client.create_ticket(body="<p>x</p>", from_="agent@sandbox.invalid", to="k@example.ch", mailbox="Inbox")
    assert client.create_ticket(body="<p>x</p>", from_="agent@sandbox.invalid", to="k@example.ch").mailbox == "Inbox"


def test_all_tickets_are_listed_newest_first_page_by_page(sandbox):
    page = groove(sandbox).list_tickets(1)
    assert [t.number for t in page.tickets] == sorted((t.number for t in page.tickets), reverse=True)
    assert page.last and page.total_count == len(page.tickets) == len(SEED["groove"]["tickets"])


def test_messages_are_paged_by_fifty_and_come_back_oldest_first(sandbox):
    many = {
        "groove": {
            "tickets": [
                {
                    "number": 300,
                    "subject": "lang",
                    "customer_email": "x@example.com",
                    "messages": [
                        {"body": f"<p>m{i}</p>", "created_at": f"2026-10-01T10:{i // 60:02d}:{i % 60:02d}Z"}
                        for i in range(120)
                    ],
                }
            ]
        }
    }
    requests.post(f"{sandbox.url}/_sandbox/seed", json=many, timeout=5).raise_for_status()
    messages = groove(sandbox).list_messages(300)
    assert [m.plain_text for m in messages] == [f"m{i}" for i in range(120)]
    pages = [r for r in state(sandbox)["requests"] if r["path"] == "/v1/tickets/300/messages"]
    assert len(pages) == 3


def test_a_posted_note_lands_in_the_state_and_is_a_note_in_the_listing(sandbox):
    client = groove(sandbox, note_author="kulanz-bot@intumind.example")
    message_id = client.post_note(101, "<p>Kulanz-Vorschlag</p>")
    assert message_id
    assert state(sandbox)["groove"]["notes"] == {"101": ["<p>Kulanz-Vorschlag</p>"]}
    last = client.list_messages(101)[-1]
    assert (last.id, last.note, last.author_email) == (message_id, True, "kulanz-bot@intumind.example")


def test_customer_tickets_and_ticket_creation(sandbox):
    client = groove(sandbox)
    assert sorted(t.number for t in client.list_customer_tickets("anna.beispiel@example.com")) == [90, 101]
    created = client.create_ticket(
        body="<p>Bitte um Rückruf</p>",
        from_="neu@example.com",
        to="support@intumind.example",
        subject="Rückruf",
        tags=["fair-use"],
    )
    assert created.number == 102 and created.tags == ("fair-use",)
    assert created.customer_email == "neu@example.com"
    assert [t.number for t in client.list_customer_tickets("neu@example.com")] == [102]


def test_ticket_tags_through_graphql_reach_the_ticket(sandbox):
    client = groove(sandbox, graphql_tags=True)
    client.tag_ticket(101, ["kulanz", "Kulanz", "vip"])
    assert client.get_ticket(101).tags == ("kulanz", "vip")


def test_a_customer_reply_from_the_admin_endpoint_yields_a_parseable_webhook(sandbox):
    reply = requests.post(
        f"{sandbox.url}/_sandbox/tickets/101/customer_reply", json={"body": "<p>Noch eine Frage</p>"}, timeout=5
    ).json()
    hook = parse_webhook(reply["event"], json.dumps(reply["webhook"]).encode())
    assert (hook.ticket_number, hook.message_id, hook.customer_email) == (
        101,
        reply["message_id"],
        "anna.beispiel@example.com",
    )
    assert groove(sandbox).list_messages(101)[-1].id == reply["message_id"]


def test_the_ticket_started_webhook_body_parses(sandbox):
    body = requests.get(f"{sandbox.url}/_sandbox/webhooks/ticket_started/101", timeout=5).content
    hook = parse_webhook("ticket_started", body)
    assert (hook.ticket_number, hook.customer_email) == (101, "anna.beispiel@example.com")


def test_the_ac_client_reads_tags_and_dates_in_one_call_when_warm(sandbox):
    client = ac(sandbox)
    client.warm_up()
    before = len(state(sandbox)["requests"])
    contact = client.get_contact("Anna.Beispiel@example.com")
    after = state(sandbox)["requests"]
    assert len(after) - before == 1 and after[-1]["path"] == "/contacts"
    assert set(contact.tags) == {"programm_aktiv", "kulanz_2025_extended"}
    assert contact.fields == {"program_end_date": "2026-12-01"}
    assert client.get_contact("fremd@example.com") is None


def test_ac_writes_show_up_in_the_state_and_are_read_back(sandbox):
    client = ac(sandbox)
    contact = client.get_contact("anna.beispiel@example.com")
    client.add_tag(contact.id, "kulanz_gewaehrt")
    client.add_tag(contact.id, "kulanz_gewaehrt")  # re-adding is harmless
    client.set_field(contact.id, "program_end_date", "2027-01-15")
    client.set_field(contact.id, "club_start_date", "2026-11-01")
    snapshot = state(sandbox)["ac"]["contacts"]["anna.beispiel@example.com"]
    assert sorted(snapshot["tags"]) == ["kulanz_2025_extended", "kulanz_gewaehrt", "programm_aktiv"]
    assert snapshot["fields"] == {"PROGRAM_END_DATE": "2027-01-15", "CLUB_START_DATE": "2026-11-01"}
    again = client.get_contact("anna.beispiel@example.com")
    assert again.fields == {"program_end_date": "2027-01-15", "club_start_date": "2026-11-01"}
    assert again.field_value_ids["program_end_date"] == contact.field_value_ids["program_end_date"]  # upsert


def test_a_tag_created_by_someone_else_is_found_after_the_duplicate_error(sandbox):
    mine, theirs = ac(sandbox), ac(sandbox)
    mine.warm_up()  # my map is now stale
    tag_id = theirs.ensure_tag("neu_von_anderen")
    assert mine.ensure_tag("NEU_von_anderen") == tag_id


def test_wrong_tokens_are_rejected_like_the_vendors_do(sandbox):
    bad_groove = GrooveClient(base_url=sandbox.groove_base_url, token="wrong", settings=NO_RETRY)
    bad_ac = ActiveCampaignClient(base_url=sandbox.ac_base_url, token="wrong", field_map={}, settings=NO_RETRY)
    with pytest.raises(ApiUnauthorized) as g_err:
        bad_groove.get_ticket(101)
    with pytest.raises(ApiUnauthorized) as a_err:
        bad_ac.get_contact("anna.beispiel@example.com")
    assert g_err.value.status == 401 and a_err.value.status == 403
    assert a_err.value.body == {"message": "Forbidden"}
    missing = requests.get(f"{sandbox.url}/ac/api/3/contacts", timeout=5)
    assert missing.status_code == 403


def test_the_state_endpoint_has_exactly_the_agreed_shape(sandbox):
    groove(sandbox).post_note(101, "<p>n</p>")
    snapshot = state(sandbox)
    assert {"groove", "ac", "requests"} <= set(snapshot)
    assert snapshot["groove"]["notes"] == {"101": ["<p>n</p>"]}
    anna = snapshot["ac"]["contacts"]["anna.beispiel@example.com"]
    assert isinstance(anna["tags"], list) and anna["fields"] == {"PROGRAM_END_DATE": "2026-12-01"}
    [entry] = snapshot["requests"]
    assert set(entry) == {"at", "vendor", "method", "path", "status"}
    assert entry["vendor"] == "groove" and entry["method"] == "POST" and entry["status"] == 201
    assert entry["path"] == "/v1/tickets/101/messages"
    assert abs(entry["at"] - time.time()) < 60


def test_reset_restores_the_startup_seed_and_can_empty_everything(sandbox):
    groove(sandbox).post_note(101, "<p>n</p>")
    requests.post(f"{sandbox.url}/_sandbox/reset", timeout=5).raise_for_status()
    snapshot = state(sandbox)
    assert snapshot["groove"]["notes"] == {} and snapshot["requests"] == []
    assert "anna.beispiel@example.com" in snapshot["ac"]["contacts"]
    requests.post(f"{sandbox.url}/_sandbox/reset", json={"empty": True}, timeout=5).raise_for_status()
    empty = state(sandbox)
    assert empty["ac"]["contacts"] == {} and empty["groove"]["tickets"] == {}


def test_without_seeded_fields_the_ac_fields_come_from_the_policy_pack():
    from policies.pack.loader import load_pack

    running = start_sandbox()
    try:
        fields = requests.get(f"{running.url}/_sandbox/state", timeout=5).json()["ac"]["fields"]
    finally:
        running.stop()
    assert fields == sorted(set(load_pack("goodwill").ac_fields.values()))


# -- faults ----------------------------------------------------------------------------------------
def test_error_rate_one_fails_every_vendor_request_with_500_or_503_but_not_admin():
    running = start_sandbox(seed=SEED, error_rate=1.0, rng_seed=7)
    try:
        client = GrooveClient(base_url=running.groove_base_url, token="t", settings=NO_RETRY)
        with pytest.raises(ApiServerError):
            client.get_ticket(101)
        statuses = {
            requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5).status_code
            for _ in range(30)
        }
        assert statuses == {500, 503}
        assert requests.get(f"{running.url}/_sandbox/state", timeout=5).status_code == 200
    finally:
        running.stop()


def test_the_error_rate_is_roughly_honoured_and_reproducible_with_a_seed():
    def run() -> list[int]:
        running = start_sandbox(error_rate=0.3, rng_seed=42)
        try:
            return [
                requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5).status_code
                for _ in range(120)
            ]
        finally:
            running.stop()

    first, second = run(), run()
    failures = sum(s != 200 for s in first)
    assert 20 <= failures <= 52  # 0.3 × 120 = 36; binomial sd ≈ 5
    assert first == second


def test_latency_delays_vendor_answers():
    running = start_sandbox(latency_ms=150)
    try:
        started = time.monotonic()
        requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5)
        assert time.monotonic() - started >= 0.15
    finally:
        running.stop()


def test_the_ac_rate_limit_answers_429_with_the_documented_retry_after_and_pauses_the_account():
    running = start_sandbox(ac_rate_limit=5, ac_retry_after=1.5, ac_limit_503_share=0.0)
    try:
        session = requests.Session()
        answers = [
            session.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5) for _ in range(12)
        ]
        statuses = [a.status_code for a in answers]
        assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}  # 12 requests take far less than 1 s here
        assert answers[5].headers["Retry-After"] == "1.5"  # the 429 that paused the account
        assert all(a.headers["Retry-After"] in ("1", "2") for a in answers[6:])  # the rest of the pause, rounded up
        # AC's documented headers: RateLimit-Limit / RateLimit-Remaining (it documents no reset header)
        assert [a.headers["RateLimit-Remaining"] for a in answers[:6]] == ["4", "3", "2", "1", "0", "0"]
        assert {a.headers["RateLimit-Limit"] for a in answers} == {"5"} and "RateLimit-Reset" not in answers[0].headers
        # Groove is not limited by the AC limit
        assert (
            session.get(
                f"{running.url}/groove/v1/tickets", headers={"Authorization": "Bearer t"}, timeout=5
            ).status_code
            == 200
        )
        time.sleep(1.1)  # a second later the window has room again, but the Retry-After is still running
        assert session.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5).status_code == 429
        time.sleep(0.5)
        assert session.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5).status_code == 200
        log = requests.get(f"{running.url}/_sandbox/state", timeout=5).json()["requests"]
        admitted = [r["at"] for r in log if r["vendor"] == "ac" and r["status"] == 200]
        assert max(sum(1 for t in admitted if a <= t < a + 1.0) for a in admitted) <= 5
        # every request that came while the account was paused is marked, with its age in the pause
        early = [r for r in log if r["vendor"] == "ac" and "in_retry_after" in r]
        assert len(early) == 7 and all(0 <= r["in_retry_after"] < 1.5 for r in early)
    finally:
        running.stop()


def test_the_default_ac_retry_after_is_the_documented_thirty_seconds():
    running = start_sandbox(ac_rate_limit=1, ac_limit_503_share=0.0)
    try:
        first = requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5)
        second = requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5)
        assert (first.status_code, second.status_code, second.headers["Retry-After"]) == (200, 429, "30")
        assert second.json() == {"message": "Too Many Requests"}
    finally:
        running.stop()


def test_at_the_ac_limit_some_answers_are_503_without_retry_after():
    running = start_sandbox(ac_rate_limit=1, ac_limit_503_share=1.0, ac_retry_after=30)
    try:
        statuses = [
            requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5) for _ in range(3)
        ]
        assert [r.status_code for r in statuses] == [200, 503, 503]
        assert all("Retry-After" not in r.headers for r in statuses[1:])  # and no pause: nothing to honour
    finally:
        running.stop()


def test_the_groove_rate_limit_answers_429_with_retry_after():
    running = start_sandbox(groove_rate_limit=2, groove_retry_after=2)
    try:
        client = GrooveClient(base_url=running.groove_base_url, token="t", settings=NO_RETRY)
        auth = {"Authorization": "Bearer t"}
        statuses = [requests.get(f"{running.url}/groove/v1/tickets", headers=auth, timeout=5) for _ in range(3)]
        assert [r.status_code for r in statuses] == [200, 200, 429]
        assert statuses[2].headers["Retry-After"] == "2"
        with pytest.raises(ApiRateLimited) as info:
            client.list_mailboxes()
        assert info.value.retry_after == 2.0  # the rest of the pause, rounded up to whole seconds
    finally:
        running.stop()


def test_faults_can_be_changed_while_the_sandbox_runs():
    # no 503 share: at the limit the sandbox answers some refusals with 503 and no Retry-After (as AC does), which
    # made this test fail at random
    running = start_sandbox(ac_limit_503_share=0.0)
    try:
        auth = {"Api-Token": "t"}
        assert requests.get(f"{running.url}/ac/api/3/tags", headers=auth, timeout=5).status_code == 200
        settings = requests.post(
            f"{running.url}/_sandbox/faults", json={"ac_over_limit_next": 1, "ac_retry_after": 0.3}, timeout=5
        ).json()
        assert settings["ac_over_limit_next"] == 1 and settings["ac_retry_after"] == 0.3
        refused = requests.get(f"{running.url}/ac/api/3/tags", headers=auth, timeout=5)
        assert (refused.status_code, refused.headers["Retry-After"]) == (429, "0.3")
        time.sleep(0.35)
        assert requests.get(f"{running.url}/ac/api/3/tags", headers=auth, timeout=5).status_code == 200
        assert requests.post(f"{running.url}/_sandbox/faults", json={"error_rate": 2}, timeout=5).status_code == 400
    finally:
        running.stop()


def test_the_client_surfaces_the_sandbox_429_as_rate_limited_with_retry_after():
    running = start_sandbox(ac_rate_limit=1, ac_retry_after=10, ac_limit_503_share=0.0)
    try:
        client = ActiveCampaignClient(base_url=running.ac_base_url, token="t", field_map={}, settings=NO_RETRY)
        requests.get(f"{running.url}/ac/api/3/tags", headers={"Api-Token": "t"}, timeout=5)
        with pytest.raises(ApiRateLimited) as info:
            client.get_contact("x@example.com")
        assert info.value.retry_after == 10.0
    finally:
        running.stop()


def test_the_demo_seed_loads_four_tickets_and_three_contacts():
    from integrations.sandbox import load_demo_seed

    running = start_sandbox(seed=load_demo_seed())
    try:
        snapshot = requests.get(f"{running.url}/_sandbox/state", timeout=5).json()
    finally:
        running.stop()
    assert sorted(snapshot["groove"]["tickets"]) == ["101", "102", "103", "104"]
    assert len(snapshot["ac"]["contacts"]) == 3


def test_seeding_at_runtime_merges_contacts_and_replaces_tickets(sandbox):
    more = {
        "groove": {"tickets": [{"number": 101, "subject": "Neu", "customer_email": "anna.beispiel@example.com"}]},
        "ac": {
            "contacts": [
                {"email": "ANNA.beispiel@example.com", "tags": ["neu"], "fields": {"PRO_END_DATE": "2027-01-01"}}
            ]
        },
    }
    assert requests.post(f"{sandbox.url}/_sandbox/seed", json=more, timeout=5).status_code == 200
    snapshot = state(sandbox)
    assert snapshot["groove"]["tickets"]["101"]["subject"] == "Neu"
    assert snapshot["groove"]["tickets"]["101"]["message_count"] == 0
    anna = snapshot["ac"]["contacts"]["anna.beispiel@example.com"]
    assert set(anna["tags"]) == {"programm_aktiv", "kulanz_2025_extended", "neu"}
    assert anna["fields"] == {"PROGRAM_END_DATE": "2026-12-01", "PRO_END_DATE": "2027-01-01"}
    assert requests.post(f"{sandbox.url}/_sandbox/seed", data="[1]", timeout=5).status_code == 400
    assert (
        requests.post(
            f"{sandbox.url}/_sandbox/seed", json={"ac": {"contacts": [{"no_email": 1}]}}, timeout=5
        ).status_code
        == 400
    )


def test_the_sandbox_rejects_invalid_ac_writes_like_the_vendor(sandbox):
    headers = {"Api-Token": "ac-token"}
    contact_id = state(sandbox)["ac"]["contacts"]["anna.beispiel@example.com"]["id"]
    fields = requests.get(
        f"{sandbox.url}/ac/api/3/fields", headers=headers, params={"filters[perstag]": "PROGRAM_END_DATE"}, timeout=5
    ).json()
    field_id = fields["fields"][0]["id"]

    def write(body):
        return requests.post(f"{sandbox.url}/ac/api/3/fieldValues", headers=headers, json=body, timeout=5)

    assert write({"fieldValue": {"contact": contact_id, "field": field_id, "value": "01.12.2026"}}).status_code == 422
    assert (
        write({"fieldValue": {"contact": contact_id, "field": "99999", "value": "2026-12-01"}}).json()["errors"][0][
            "title"
        ]
        == "Field id not valid"
    )
    assert write({"fieldValue": {"contact": "99999", "field": field_id, "value": "2026-12-01"}}).status_code == 404
    missing = requests.post(
        f"{sandbox.url}/ac/api/3/contactTags", headers=headers, json={"contactTag": {"tag": "1"}}, timeout=5
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["title"] == "Missing attribute"
