"""The vendor ports (integrations/ports.py): the real clients and the test fakes both fit them, and act alike.

1. Structure: GrooveClient / FakeHelpDesk are HelpDesks, ActiveCampaignClient / FakeCrm are Crms —
   statically (the annotated assignments, for mypy) and at run time (every port method exists
   with the same parameters and annotations).
2. The ports list exactly what the worker calls on them.
3. Contract: the same steps against the real client + sandbox and against the fake give the
   same answers and the same errors, so service tests on the fakes mean what they say.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.activecampaign import AcConfigError, ActiveCampaignClient
from integrations.errors import ApiClientError, ApiNotFound, is_retryable
from integrations.groove import GrooveClient
from integrations.http import HttpSettings
from integrations.ports import Crm, HelpDesk
from tests.fakes import FakeCrm, FakeHelpDesk, FakeVendors
from tests.support import Sandbox, ticket_seed

ROOT = Path(__file__).resolve().parents[2]
FIELD_MAP = {"program_end_date": "PROGRAM_END_DATE", "club_start_date": "CLUB_START_DATE"}
NO_RETRY = HttpSettings(get_attempts=1, connect_timeout=2, read_timeout=5)
AGENT = "agent@sandbox.invalid"  # an agent both the sandbox and (told so) the fake know


def port_methods(port: type) -> list[str]:
    return sorted(name for name, value in vars(port).items() if callable(value) and not name.startswith("_"))


def assert_fits(port: type, implementation: type) -> None:
    """Every port method exists on `implementation` with the port's parameters (names, kinds,
    defaults, annotations) and return annotation; extra parameters must be optional."""
    for name in port_methods(port):
        assert callable(getattr(implementation, name, None)), f"{implementation.__name__} has no {name}()"
        wanted = inspect.signature(getattr(port, name), eval_str=True)
        actual = inspect.signature(getattr(implementation, name), eval_str=True)
        have = actual.parameters
        for param in wanted.parameters.values():
            assert param.name in have, f"{implementation.__name__}.{name}() lacks parameter {param.name!r}"
            other = have[param.name]
            assert (other.kind, other.default, other.annotation) == (param.kind, param.default, param.annotation), (
                f"{implementation.__name__}.{name}({param.name}): {other} != {param}"
            )
        extra = [p for n, p in have.items() if n not in wanted.parameters]
        assert all(p.default is not inspect.Parameter.empty for p in extra), (
            f"{implementation.__name__}.{name}() has required parameters the port does not pass: {extra}"
        )
        positional = [p.name for p in wanted.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert [p.name for p in have.values() if p.kind is p.POSITIONAL_OR_KEYWORD][: len(positional)] == positional
        assert actual.return_annotation == wanted.return_annotation, f"{implementation.__name__}.{name}() returns"


def test_the_ports_list_the_calls_the_worker_makes() -> None:
    assert port_methods(HelpDesk) == [
        "create_ticket",
        "get_ticket",
        "list_attachments",
        "list_customer_tickets",
        "list_mailboxes",
        "list_messages",
        "list_tickets",
        "post_note",
        "tag_ticket",
    ]
    assert port_methods(Crm) == ["add_tag", "get_contact", "set_field", "warm_up"]
    # Nothing in the worker (or the benchmarks) calls the vendors other than through these.
    called: dict[str, set[str]] = {"helpdesk": set(), "crm": set()}
    for path in [*(ROOT / "worker").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]:
        for port, method in re.findall(r"\.(helpdesk|crm)\.(\w+)\(", path.read_text(encoding="utf-8")):
            called[port].add(method)
    assert called == {"helpdesk": set(port_methods(HelpDesk)), "crm": set(port_methods(Crm))}


@pytest.mark.parametrize(
    ("port", "implementation"),
    [(HelpDesk, GrooveClient), (HelpDesk, FakeHelpDesk), (Crm, ActiveCampaignClient), (Crm, FakeCrm)],
)
def test_the_real_clients_and_the_fakes_fit_the_ports(port: type, implementation: type) -> None:
    assert_fits(port, implementation)


def test_the_clients_are_the_ports_for_a_type_checker() -> None:
    # Checked by mypy (no inheritance: structural typing); at run time they are just built.
    helpdesk: HelpDesk = GrooveClient(base_url="http://127.0.0.1:9/groove", token="t")
    crm: Crm = ActiveCampaignClient(base_url="http://127.0.0.1:9/ac", token="t", field_map=FIELD_MAP)
    fakes: tuple[HelpDesk, Crm] = (FakeHelpDesk(), FakeCrm(field_map=FIELD_MAP))
    assert helpdesk and crm and all(fakes)


# -- contract: the same steps against the sandbox (real clients) and the fakes ---------------------------
class Vendors:
    def __init__(
        self, helpdesk: Any, crm: Any, seed: Callable[[dict[str, Any]], None], reply: Callable[[int, str], str]
    ) -> None:
        self.helpdesk, self.crm, self.seed, self.reply = helpdesk, crm, seed, reply


@pytest.fixture(params=["sandbox", "fake"])
def vendors(request: pytest.FixtureRequest) -> Iterator[Vendors]:
    if request.param == "sandbox":
        with Sandbox() as sb:
            yield Vendors(
                GrooveClient(
                    base_url=f"{sb.url}/groove", token="t", settings=NO_RETRY, graphql_tags=True, note_author=AGENT
                ),
                ActiveCampaignClient(base_url=f"{sb.url}/ac/api/3", token="t", field_map=FIELD_MAP, settings=NO_RETRY),
                sb.seed,
                sb.customer_reply,
            )
    else:
        fake = FakeVendors(FakeHelpDesk(agents=[AGENT], note_author=AGENT), FakeCrm(field_map=FIELD_MAP))
        yield Vendors(fake.helpdesk, fake.crm, fake.seed, fake.customer_reply)


def seed_one(vendors: Vendors) -> None:
    vendors.seed(
        ticket_seed(
            501,
            "Jana@Example.org",
            "Verlängerung",
            "<p>Bitte verlängern</p>",
            fields={"PROGRAM_END_DATE": "2026-12-31"},
            tags=["club_mitglied"],
        )
    )


def test_an_unknown_ticket_is_not_found_for_every_ticket_call(vendors: Vendors) -> None:
    for call in (
        lambda: vendors.helpdesk.get_ticket(99999),
        lambda: vendors.helpdesk.list_messages(99999),
        lambda: vendors.helpdesk.post_note(99999, "<p>x</p>"),
        lambda: vendors.helpdesk.tag_ticket(99999, ["a"]),
    ):
        with pytest.raises(ApiNotFound) as err:
            call()
        assert not is_retryable(err.value) and err.value.vendor == "groove"


def test_a_ticket_its_messages_and_a_note_found_by_its_marker(vendors: Vendors) -> None:
    seed_one(vendors)
    ticket = vendors.helpdesk.get_ticket(501)
    assert (ticket.number, ticket.title, ticket.customer_email, ticket.mailbox, ticket.message_count) == (
        501,
        "Verlängerung",
        "jana@example.org",
        "Inbox",
        1,
    )
    assert ticket.summary == "Bitte verlängern" and ticket.created_at is not None
    note_id = vendors.helpdesk.post_note(501, "<p>Kulanz-Triage [gw:7]</p>")
    reply_id = vendors.reply(501, "<p>Danke!</p>")
    messages = vendors.helpdesk.list_messages(501)
    # Oldest first; the note and the reply may share a second, so their order is not asserted.
    assert (messages[0].note, messages[0].author_kind, messages[0].plain_text) == (
        False,
        "customer",
        "Bitte verlängern",
    )
    assert sorted((m.note, m.author_kind) for m in messages[1:]) == [(False, "customer"), (True, "agent")]
    [note] = [m for m in messages if m.note and "[gw:7]" in m.body_html]
    assert note.id == note_id and note.author_email == AGENT and note.ticket_number == 501
    [reply] = [m for m in messages if m.id == reply_id]
    assert reply.plain_text == "Danke!" and reply.author_email == "jana@example.org"
    assert [t.number for t in vendors.helpdesk.list_customer_tickets("jana@example.org")] == [501]
    assert vendors.helpdesk.list_customer_tickets("nobody@example.org") == []


def test_tagging_a_ticket_twice_tags_it_once(vendors: Vendors) -> None:
    seed_one(vendors)
    first = vendors.helpdesk.tag_ticket(501, ["kulanz-approve", " "])
    assert vendors.helpdesk.tag_ticket(501, ["kulanz-approve"]) == first and len(first) == 1
    assert vendors.helpdesk.get_ticket(501).tags == ("kulanz-approve",)


def test_a_ticket_an_agent_opens_as_a_note_belongs_to_the_recipient(vendors: Vendors) -> None:
    vendors.seed({"groove": {"mailboxes": [{"name": "Kundendienst", "email": "kd@example.ch"}]}})
    [box] = [b for b in vendors.helpdesk.list_mailboxes() if b.name == "Kundendienst"]
    assert box.email == "kd@example.ch" and box.id
    ticket = vendors.helpdesk.create_ticket(
        body="<p>Aufgabe</p>",
        from_=AGENT,
        to="Anna@Example.ch",
        subject="[fu:1]",
        mailbox="kd@example.ch",
        tags=["fair-use"],
        note=True,
        send_copy_to_customer=False,
    )
    assert (ticket.customer_email, ticket.mailbox, ticket.mailbox_id, ticket.tags, ticket.title) == (
        "anna@example.ch",
        "Kundendienst",
        box.id,
        ("fair-use",),
        "[fu:1]",
    )
    [message] = vendors.helpdesk.list_messages(ticket.number)
    assert message.note and message.author_email == AGENT
    assert [t.number for t in vendors.helpdesk.list_customer_tickets("anna@example.ch")] == [ticket.number]
    by_id = vendors.helpdesk.create_ticket(body="<p>x</p>", from_=AGENT, to="anna@example.ch", mailbox=box.id)
    assert by_id.mailbox == "Kundendienst"


def test_a_ticket_is_created_only_in_a_mailbox_named_by_its_email_or_id(vendors: Vendors) -> None:
    vendors.seed({"groove": {"mailboxes": [{"name": "Kundendienst", "email": "kd@example.ch"}]}})
    for ref in ("Kundendienst", "nobody@example.ch"):
        with pytest.raises(ApiClientError) as err:
            vendors.helpdesk.create_ticket(body="<p>x</p>", from_=AGENT, to="anna@example.ch", mailbox=ref)
        assert err.value.status == 422 and not is_retryable(err.value)
    primary = vendors.helpdesk.list_mailboxes()[0]
    assert vendors.helpdesk.create_ticket(body="<p>x</p>", from_=AGENT, to="a@example.ch").mailbox == primary.name


def test_attachments_are_not_in_the_message_listing_but_one_call_away(vendors: Vendors) -> None:
    vendors.seed(ticket_seed(502, "jana@example.org", "Attest", "<p>Anbei</p>", attachments=["attest.pdf", "b.png"]))
    [message] = vendors.helpdesk.list_messages(502)
    assert message.attachments == () and message.attachments_message_id
    files = vendors.helpdesk.list_attachments(message.attachments_message_id)
    assert [(f.name, f.size is not None, bool(f.url)) for f in files] == [
        ("attest.pdf", True, True),
        ("b.png", True, True),
    ]
    reply = vendors.reply(502, "<p>Danke</p>")
    [later] = [m for m in vendors.helpdesk.list_messages(502) if m.id == reply]
    assert later.attachments_message_id and vendors.helpdesk.list_attachments(later.attachments_message_id) == []
    assert vendors.helpdesk.list_attachments("99999999") == []


def test_all_tickets_are_listed_newest_first(vendors: Vendors) -> None:
    for n in (701, 703, 702):
        vendors.seed(ticket_seed(n, f"k{n}@example.org", "x", "<p>x</p>"))
    page = vendors.helpdesk.list_tickets(1)
    assert [t.number for t in page.tickets] == [703, 702, 701]
    assert (page.page, page.total_pages, page.total_count, page.last) == (1, 1, 3, True)
    assert vendors.helpdesk.list_tickets(2).tickets == ()


def test_a_contact_by_email_with_its_tags_and_mapped_fields(vendors: Vendors) -> None:
    seed_one(vendors)
    assert vendors.crm.get_contact("nobody@example.org") is None
    contact = vendors.crm.get_contact("jana@example.org")
    assert contact is not None and contact.email.lower() == "jana@example.org"
    assert contact.tags == ("club_mitglied",) and dict(contact.fields) == {"program_end_date": "2026-12-31"}


def test_tagging_a_contact_is_idempotent_and_fields_are_upserted(vendors: Vendors) -> None:
    seed_one(vendors)
    contact = vendors.crm.get_contact("jana@example.org")
    assert contact is not None
    first = vendors.crm.add_tag(contact.id, "kulanz_gewaehrt")  # a tag the account does not have yet
    assert vendors.crm.add_tag(contact.id, "kulanz_gewaehrt") == first
    value_id = vendors.crm.set_field(contact.id, "program_end_date", "2027-02-11")
    assert vendors.crm.set_field(contact.id, "club_start_date", "2025-01-15") != value_id
    assert vendors.crm.set_field(contact.id, "program_end_date", "2027-03-01") == value_id
    after = vendors.crm.get_contact("jana@example.org")
    assert after is not None and after.tags == ("club_mitglied", "kulanz_gewaehrt")
    assert dict(after.fields) == {"program_end_date": "2027-03-01", "club_start_date": "2025-01-15"}


def test_crm_writes_fail_as_the_real_client_does(vendors: Vendors) -> None:
    seed_one(vendors)
    contact = vendors.crm.get_contact("jana@example.org")
    assert contact is not None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        vendors.crm.set_field(contact.id, "program_end_date", "11.02.2027")
    with pytest.raises(AcConfigError):
        vendors.crm.set_field(contact.id, "coach_end_date", "2027-02-11")  # not in this field map
    with pytest.raises(ApiNotFound):
        vendors.crm.set_field("99999", "program_end_date", "2027-02-11")
    with pytest.raises(ApiNotFound):
        vendors.crm.add_tag("99999", "kulanz_gewaehrt")
