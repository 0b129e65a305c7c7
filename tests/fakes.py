"""In-memory fakes of the two vendor ports (integrations/ports.py) for service-level tests.

`FakeHelpDesk` (Groove) and `FakeCrm` (ActiveCampaign) keep their state in dicts and answer as
the vendors (and the sandbox, integrations/sandbox/) do for what the worker needs, raising the
same errors of integrations/errors.py as the real clients would. Each records every call
(method + arguments) in `calls`, so a test can say "no write happened" or "exactly one note".
Reading the state back for an assertion (`notes`, `ticket`, `contact_state` …) records nothing.

`FakeVendors` holds one of each and takes the sandbox's seed format (tests/support.py
`ticket_seed`), so a test written against the sandbox reads the same against the fakes.
Tests about HTTP, the real clients or rate limits keep the sandbox (tests/integrations, e2e, faults).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from integrations.activecampaign import VENDOR as AC
from integrations.activecampaign import AcConfigError, AcContact, normalise_date_value
from integrations.errors import ApiClientError, ApiNotFound
from integrations.groove import VENDOR as GROOVE
from integrations.groove import (
    GrooveAttachment,
    GrooveMailbox,
    GrooveMessage,
    GrooveTaggingDisabled,
    GrooveTicket,
    GrooveTicketPage,
)
from integrations.groove_models import parse_groove_datetime
from integrations.sandbox.store import default_mailboxes
from worker.bootstrap import Runtime, runtime_with
from worker.config import Settings

__all__ = ["DEFAULT_AGENT", "Call", "FakeCrm", "FakeHelpDesk", "FakeVendors", "fake_runtime"]

DEFAULT_AGENT = "agent@helpdesk.invalid"  # the agent the help desk knows (and posts notes as) by default
PER_PAGE = 50  # Groove's page size for ticket listings
_DATE_EXACT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WRITES = frozenset({"post_note", "tag_ticket", "create_ticket", "add_tag", "set_field"})


@dataclass(frozen=True)
class Call:
    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []

    def _record(self, method: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append(Call(method, args, kwargs))

    def names(self) -> list[str]:
        """The methods called so far, in order."""
        return [c.method for c in self.calls]

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def writes(self) -> list[Call]:
        """Calls that change vendor state (note, ticket, tag, field)."""
        return [c for c in self.calls if c.method in WRITES]

    def forget_calls(self) -> None:
        """Start counting afresh (e.g. after seeding through the worker)."""
        self.calls.clear()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


# ---------------------------------------------------------------------------------------------
# Help desk (Groove)
# ---------------------------------------------------------------------------------------------
@dataclass
class _Message:
    id: str
    ticket_number: int
    created_at: str
    note: bool
    body: str
    author_kind: str
    author_email: str
    attachments: list[dict[str, Any]]  # {"filename", "size", "content_type"?}

    def record(self) -> GrooveMessage:
        """As Groove's v1 listing serves it: no attachment names, a link to ask for them."""
        return GrooveMessage(
            id=self.id,
            ticket_number=self.ticket_number,
            created_at=parse_groove_datetime(self.created_at),
            note=self.note,
            body_html=self.body,
            plain_text=_plain(self.body),
            author_kind=self.author_kind,
            author_email=self.author_email,
            attachments_href=f"https://api.groovehq.com/v1/attachments?message={self.id}",
        )

    def attachment_records(self) -> list[GrooveAttachment]:
        return [
            GrooveAttachment(
                filename=a["filename"],
                size=a.get("size"),
                url=f"https://attachments.helpdesk.invalid/{self.id}/{a['filename']}",
                content_type=a.get("content_type"),
            )
            for a in self.attachments
        ]


@dataclass
class _Ticket:
    number: int
    title: str
    customer_email: str
    created_at: str
    updated_at: str
    state: str = "unread"
    mailbox: str = "Inbox"  # Groove's default mailbox name (as the sandbox)
    mailbox_id: str | None = None
    customer_name: str | None = None
    assignee: str | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    messages: list[_Message] = field(default_factory=list)

    def record(self) -> GrooveTicket:
        first = _plain(self.messages[0].body) if self.messages else ""
        return GrooveTicket(
            number=self.number,
            title=self.title,
            state=self.state,
            customer_email=self.customer_email,
            customer_name=self.customer_name,
            created_at=parse_groove_datetime(self.created_at),
            updated_at=parse_groove_datetime(self.updated_at),
            tags=tuple(self.tags),
            assignee=self.assignee,
            message_count=len(self.messages),
            summary=first[:100] or None,
            mailbox=self.mailbox,
            priority=self.priority,
            mailbox_id=self.mailbox_id,
        )


class FakeHelpDesk(_Recorder):
    """Groove for the worker: tickets with messages and notes, customers' ticket lists, ticket tags.

    `note_author` is who notes are posted as (GROOVE_NOTE_AUTHOR; else the token's agent);
    `tagging` mirrors GROOVE_TAGS_VIA_GRAPHQL (off: tag_ticket raises as the real client does).
    """

    def __init__(
        self, *, agents: Iterable[str] = (DEFAULT_AGENT,), note_author: str | None = None, tagging: bool = True
    ) -> None:
        super().__init__()
        self.agents = {a.lower() for a in agents}
        self.note_author = note_author
        self.tagging = tagging
        self.tickets: dict[int, _Ticket] = {}
        self._message_ids = itertools.count(4_000_000_001)
        self._tag_ids: dict[str, str] = {}  # lower-case tag name -> id
        self._mailbox_ids = itertools.count(5_063_661_921)
        self.mailboxes: list[GrooveMailbox] = []
        # The primary "Inbox" first, and the fair-use pack's task mailbox: the sandbox's defaults.
        for box in default_mailboxes():
            self.add_mailbox(box["name"], box.get("email"), box.get("id"))

    # -- the port (recorded) ---------------------------------------------------------------------
    def get_ticket(self, number: int) -> GrooveTicket:
        self._record("get_ticket", number)
        return self._ticket(number).record()

    def list_customer_tickets(self, email: str) -> list[GrooveTicket]:
        self._record("list_customer_tickets", email)
        wanted = email.strip().lower()
        # Groove lists the newest first; an unknown customer has no tickets (not a 404).
        return [
            t.record()
            for t in sorted(self.tickets.values(), key=lambda t: t.number, reverse=True)
            if t.customer_email == wanted
        ]

    def list_tickets(self, page: int = 1) -> GrooveTicketPage:
        self._record("list_tickets", page)
        ordered = sorted(self.tickets.values(), key=lambda t: t.number, reverse=True)  # newest first
        total_pages = max(1, -(-len(ordered) // PER_PAGE))
        chunk = ordered[(page - 1) * PER_PAGE : page * PER_PAGE]
        return GrooveTicketPage(
            tickets=tuple(t.record() for t in chunk), page=page, total_pages=total_pages, total_count=len(ordered)
        )

    def list_messages(self, number: int) -> list[GrooveMessage]:
        self._record("list_messages", number)
        return self._sorted(self._ticket(number))

    def list_attachments(self, message_id: str) -> list[GrooveAttachment]:
        self._record("list_attachments", message_id)
        for ticket in self.tickets.values():
            for m in ticket.messages:
                if m.id == str(message_id):
                    return m.attachment_records()
        return []  # the real client: an unknown message (404) has none

    def list_mailboxes(self) -> list[GrooveMailbox]:
        self._record("list_mailboxes")
        return list(self.mailboxes)

    def post_note(self, number: int, body_html: str) -> str:
        self._record("post_note", number, body_html)
        ticket = self._ticket(number)
        if not body_html:
            raise ApiClientError(GROOVE, 422, "body is required")
        return self._add_message(ticket, body=body_html, author_email=self.note_author or DEFAULT_AGENT, note=True).id

    def tag_ticket(self, number: int, tag_names: Iterable[str]) -> tuple[str, ...]:
        names = [n.strip() for n in tag_names if n and n.strip()]
        self._record("tag_ticket", number, tuple(names))
        if not self.tagging:
            raise GrooveTaggingDisabled("Groove ticket tagging (GraphQL v2) is disabled in the settings")
        if not names:
            return ()
        ticket = self._ticket(number)  # the real client: ApiNotFound for an unknown conversation
        ids = []
        for name in names:
            ids.append(self._tag_ids.setdefault(name.lower(), f"tag_{len(self._tag_ids) + 1:010d}"))
            if name.lower() not in {t.lower() for t in ticket.tags}:
                ticket.tags.append(name)  # tagging twice is a no-op in Groove
        return tuple(ids)

    def create_ticket(
        self,
        *,
        body: str,
        from_: str,
        to: str,
        subject: str | None = None,
        mailbox: str | None = None,
        tags: Iterable[str] = (),
        note: bool = False,
        send_copy_to_customer: bool | None = None,
    ) -> GrooveTicket:
        tag_list = [t for t in tags if t]
        self._record(
            "create_ticket",
            body=body,
            from_=from_,
            to=to,
            subject=subject,
            mailbox=mailbox,
            tags=tuple(tag_list),
            note=note,
            send_copy_to_customer=send_copy_to_customer,
        )
        missing = [k for k, v in (("body", body), ("from", from_), ("to", to)) if not v]
        if missing:
            raise ApiClientError(GROOVE, 422, "; ".join(f"{k} is required" for k in missing))
        # "The email or ID of the mailbox" (not its name); the sandbox answers an unknown one with 422.
        box = self.mailbox_by_address(mailbox) if mailbox else self.mailboxes[0]
        if box is None:
            raise ApiClientError(GROOVE, 422, f"mailbox {mailbox!r} not found (give its email or id)")
        sender, recipient = from_.lower(), to.lower()
        # The customer is the sender unless an agent opened the ticket (then it is the recipient).
        customer = recipient if sender in self.agents else sender
        ticket = self._new_ticket(
            {
                "subject": subject or "",
                "customer_email": customer,
                "mailbox": box.id,
                "tags": tag_list,
                "created_at": _now(),
            }
        )
        self._add_message(ticket, body=body, author_email=sender, note=note)
        return ticket.record()

    # -- seeding and reading back (not recorded) ----------------------------------------------------
    def add_mailbox(self, name: str, email: str | None = None, mailbox_id: str | None = None) -> GrooveMailbox:
        """A mailbox of the account (the sandbox's seed key `mailboxes`); an existing one is returned."""
        for box in self.mailboxes:
            if box.known_as(name) or (email and box.known_as(email)) or (mailbox_id and box.known_as(mailbox_id)):
                return box
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        box = GrooveMailbox(
            id=mailbox_id or str(next(self._mailbox_ids)),
            name=name,
            email=(email or f"{slug}@helpdesk.invalid").lower(),
        )
        self.mailboxes.append(box)
        return box

    def mailbox_by_address(self, ref: str) -> GrooveMailbox | None:
        wanted = str(ref).strip().casefold()
        return next(
            (b for b in self.mailboxes if wanted in {(b.id or "").casefold(), (b.email or "").casefold()}), None
        )

    def seed(self, groove: Mapping[str, Any]) -> None:
        """The "groove" part of a sandbox seed (docs/sandbox.md): agents, mailboxes and tickets with messages."""
        self.agents.update(str(a).lower() for a in groove.get("agents") or [])
        for spec in groove.get("mailboxes") or []:
            self.add_mailbox(str(spec.get("name") or spec.get("email")), spec.get("email"), spec.get("id"))
        for spec in groove.get("tickets") or []:
            ticket = self._new_ticket(spec)
            for m in spec.get("messages") or []:
                author = str(m.get("author") or "customer")
                email = (
                    ticket.customer_email if author == "customer" else (DEFAULT_AGENT if author == "agent" else author)
                )
                self._add_message(
                    ticket,
                    body=str(m.get("body") or ""),
                    author_email=email,
                    note=bool(m.get("note")),
                    created_at=m.get("created_at"),
                    attachments=m.get("attachments") or [],
                )

    def customer_reply(self, number: int, body: str, attachments: list[str] | None = None) -> str:
        """The customer answers on the ticket (as Sandbox.customer_reply); returns the message id."""
        ticket = self.tickets[number]
        return self._add_message(
            ticket, body=body, author_email=ticket.customer_email, attachments=attachments or []
        ).id

    def ticket(self, number: int) -> GrooveTicket:
        return self.tickets[number].record()

    def messages(self, number: int) -> list[GrooveMessage]:
        return self._sorted(self.tickets[number])

    def attachment_names(self, number: int) -> list[list[str]]:
        """Per message (in the order added), the names of its attachments."""
        return [[a["filename"] for a in m.attachments] for m in self.tickets[number].messages]

    def notes(self, number: int) -> list[str]:
        """The bodies of the ticket's internal notes, in the order they were posted."""
        ticket = self.tickets.get(number)
        return [m.body for m in ticket.messages if m.note] if ticket else []

    def ticket_numbers(self) -> list[int]:
        return sorted(self.tickets)

    # -- internals -----------------------------------------------------------------------------------
    def _ticket(self, number: int) -> _Ticket:
        ticket = self.tickets.get(int(number))
        if ticket is None:
            raise ApiNotFound(GROOVE, 404, "Ticket not found")  # what the client raises for Groove's 404
        return ticket

    @staticmethod
    def _sorted(ticket: _Ticket) -> list[GrooveMessage]:
        # Groove lists the newest first and the client sorts that stably, oldest first: messages of
        # the same second (dates have no fractions) come newest first, as from the real client.
        epoch = datetime.min.replace(tzinfo=UTC)
        return sorted((m.record() for m in reversed(ticket.messages)), key=lambda m: m.created_at or epoch)

    def _new_ticket(self, spec: Mapping[str, Any]) -> _Ticket:
        number = int(spec.get("number") or (max(self.tickets, default=100) + 1))
        created = str(spec.get("created_at") or _now())
        # By name, e-mail or id; a name the account lacks is added (as the sandbox does for seeds).
        ref = str(spec.get("mailbox") or "Inbox")
        box = next((b for b in self.mailboxes if b.known_as(ref)), None) or self.add_mailbox(ref)
        ticket = _Ticket(
            number=number,
            title=str(spec.get("subject") or spec.get("title") or ""),
            customer_email=str(spec.get("customer_email") or "kunde@example.com").strip().lower(),
            created_at=created,
            updated_at=created,
            state=str(spec.get("state") or "unread"),
            mailbox=box.name or ref,
            mailbox_id=box.id,
            customer_name=spec.get("customer_name"),
            assignee=spec.get("assignee"),
            priority=spec.get("priority"),
            tags=[str(t) for t in spec.get("tags") or []],
        )
        self.tickets[number] = ticket
        return ticket

    def _add_message(
        self,
        ticket: _Ticket,
        *,
        body: str,
        author_email: str,
        note: bool = False,
        created_at: str | None = None,
        attachments: Iterable[Any] = (),
    ) -> _Message:
        author_email = author_email.lower()
        kind = "customer" if author_email == ticket.customer_email and author_email not in self.agents else "agent"
        created = str(created_at or _now())
        files = [
            {"filename": a, "size": 1000}
            if isinstance(a, str)
            else {k: v for k, v in {**a, "filename": str(a.get("filename") or a.get("name"))}.items() if k != "name"}
            for a in attachments
        ]
        message = _Message(
            id=str(next(self._message_ids)),
            ticket_number=ticket.number,
            created_at=created,
            note=note,
            body=body,
            author_kind=kind,
            author_email=author_email,
            attachments=files,
        )
        ticket.messages.append(message)
        ticket.updated_at = created
        return message


# ---------------------------------------------------------------------------------------------
# CRM (ActiveCampaign)
# ---------------------------------------------------------------------------------------------
@dataclass
class _Contact:
    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    tags: dict[str, str] = field(default_factory=dict)  # tag name -> contactTag id, in the order added
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)  # perstag -> (fieldValue id, value)


def _default_field_map() -> dict[str, str]:
    from policies.pack.loader import load_pack

    return dict(load_pack("goodwill").ac_fields)


class FakeCrm(_Recorder):
    """ActiveCampaign for the worker: contacts by e-mail with tags and custom fields.

    The account's fields are named by perstag (as in AC and the seeds); the worker names them
    canonically, translated with `field_map` (the pack's [ac_fields], as the real client is
    configured). Every mapped field is a date field; an account starts with all mapped fields.
    """

    def __init__(self, *, field_map: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.contacts: dict[str, _Contact] = {}
        self.tags: dict[str, str] = {}  # lower-case name -> tag name as created
        self.account_fields: dict[str, str] = {}  # perstag -> AC field type
        self._ids = itertools.count(1)
        self.use_field_map(field_map if field_map is not None else _default_field_map())

    def use_field_map(self, field_map: Mapping[str, str]) -> None:
        """Configure the canonical → perstag map (what ActiveCampaignClient takes as field_map)."""
        self.field_map = {canonical: perstag.strip().strip("%").upper() for canonical, perstag in field_map.items()}
        for perstag in self.field_map.values():
            self.account_fields.setdefault(perstag, "date")

    # -- the port (recorded) ---------------------------------------------------------------------
    def get_contact(self, email: str) -> AcContact | None:
        self._record("get_contact", email)
        contact = self._by_email(email)
        if contact is None:
            return None
        fields: dict[str, str] = {}
        value_ids: dict[str, str] = {}
        for canonical, perstag in self.field_map.items():
            if perstag in contact.fields and perstag in self.account_fields:
                value_id, raw = contact.fields[perstag]
                value_ids[canonical] = value_id
                value = normalise_date_value(raw)
                if value is not None:
                    fields[canonical] = value
        return AcContact(
            id=contact.id,
            email=contact.email,
            first_name=contact.first_name or None,
            last_name=contact.last_name or None,
            tags=tuple(contact.tags),
            fields=fields,
            field_value_ids=value_ids,
            contact_tag_ids=dict(contact.tags),
        )

    def add_tag(self, contact_id: str, tag_name: str) -> str:
        self._record("add_tag", contact_id, tag_name)
        name = tag_name.strip()
        if not name:
            raise ValueError("empty tag name")
        name = self._ensure_tag(name)  # the client creates a missing tag first
        contact = self.contacts.get(str(contact_id))
        if contact is None:
            raise ApiNotFound(AC, 404, "Contact not found")
        # Re-adding returns the existing association: tagging is idempotent.
        return contact.tags.setdefault(name, self._next_id())

    def set_field(self, contact_id: str, canonical: str, value: str | date) -> str:
        self._record("set_field", contact_id, canonical, value)
        perstag = self.field_map.get(canonical)
        if perstag is None:
            raise AcConfigError(f"no AC field mapped for {canonical!r}")
        if perstag not in self.account_fields:
            raise AcConfigError(f"AC custom field with perstag {perstag} does not exist")
        if isinstance(value, datetime):
            value = value.date()
        text = value.isoformat() if isinstance(value, date) else str(value)
        if not _DATE_EXACT.match(text):
            raise ValueError(f"{canonical}: date must be YYYY-MM-DD, got {text!r}")
        if self.account_fields[perstag] != "date":
            raise AcConfigError(f"AC field {perstag} has type {self.account_fields[perstag]!r}, expected 'date'")
        contact = self.contacts.get(str(contact_id))
        if contact is None:
            raise ApiNotFound(AC, 404, f"No Result found for Subscriber with id {contact_id}")
        value_id = contact.fields[perstag][0] if perstag in contact.fields else self._next_id()
        contact.fields[perstag] = (value_id, text)  # an upsert: the same fieldValue id
        return value_id

    def warm_up(self) -> None:
        self._record("warm_up")  # nothing to load: the maps are the fake's own dicts

    # -- seeding and reading back (not recorded) ----------------------------------------------------
    def seed(self, ac: Mapping[str, Any]) -> None:
        """The "ac" part of a sandbox seed (docs/sandbox.md): fields, tags and contacts."""
        for spec in ac.get("fields") or []:
            spec = {"perstag": spec} if isinstance(spec, str) else spec
            self.account_fields[str(spec["perstag"]).strip().strip("%").upper()] = str(spec.get("type") or "date")
        for name in ac.get("tags") or []:
            self._ensure_tag(str(name))
        for spec in ac.get("contacts") or []:
            contact = self._by_email(str(spec["email"]))
            if contact is None:
                contact = _Contact(id=self._next_id(), email=str(spec["email"]).strip())
                self.contacts[contact.id] = contact
            contact.first_name = str(spec.get("firstName") or contact.first_name)
            contact.last_name = str(spec.get("lastName") or contact.last_name)
            for name in spec.get("tags") or []:
                contact.tags.setdefault(self._ensure_tag(str(name)), self._next_id())
            for perstag, value in (spec.get("fields") or {}).items():
                perstag = perstag.strip().strip("%").upper()
                self.account_fields.setdefault(perstag, "date")
                value_id = contact.fields[perstag][0] if perstag in contact.fields else self._next_id()
                contact.fields[perstag] = (value_id, "" if value is None else str(value))

    def contact_state(self, email: str) -> dict[str, Any]:
        """One contact as the sandbox's /_sandbox/state shows it: id, tag names, fields by perstag."""
        contact = self._by_email(email)
        if contact is None:
            raise KeyError(email)
        return {
            "id": contact.id,
            "tags": list(contact.tags),
            "fields": {perstag: value for perstag, (_, value) in contact.fields.items()},
        }

    # -- internals -----------------------------------------------------------------------------------
    def _next_id(self) -> str:
        return str(next(self._ids))

    def _by_email(self, email: str) -> _Contact | None:
        wanted = email.strip().lower()
        return next((c for c in self.contacts.values() if c.email.lower() == wanted), None)

    def _ensure_tag(self, name: str) -> str:
        """The account's tag of this name (case-insensitive; the oldest spelling wins), created if missing."""
        return self.tags.setdefault(name.strip().lower(), name.strip())


# ---------------------------------------------------------------------------------------------
# Both, and a Runtime around them
# ---------------------------------------------------------------------------------------------
class FakeVendors:
    """A help desk and a CRM that share one seed, as the sandbox does."""

    def __init__(self, helpdesk: FakeHelpDesk | None = None, crm: FakeCrm | None = None) -> None:
        self.helpdesk = helpdesk or FakeHelpDesk()
        self.crm = crm or FakeCrm()

    def seed(self, seed: Mapping[str, Any]) -> None:
        """A sandbox seed (tests/support.py ticket_seed): {"groove": {...}, "ac": {...}}."""
        self.helpdesk.seed(seed.get("groove") or {})
        self.crm.seed(seed.get("ac") or {})

    def customer_reply(self, number: int, body: str, attachments: list[str] | None = None) -> str:
        return self.helpdesk.customer_reply(number, body, attachments)

    def notes(self, number: int) -> list[str]:
        return self.helpdesk.notes(number)

    def contact(self, email: str) -> dict[str, Any]:
        return self.crm.contact_state(email)

    def forget_calls(self) -> None:
        self.helpdesk.forget_calls()
        self.crm.forget_calls()


def fake_runtime(settings: Settings, vendors: FakeVendors) -> Runtime:
    """The worker's Runtime for `settings`, talking to `vendors` instead of Groove and ActiveCampaign.

    The fakes are configured from the settings as build_runtime configures the real clients
    (note author, GraphQL tagging, the pack's AC field map).
    """
    from policies.pack.loader import load_pack

    pack = load_pack(settings.goodwill_policy_pack)
    vendors.helpdesk.note_author = settings.groove_note_author
    vendors.helpdesk.tagging = settings.groove_tags_via_graphql
    vendors.crm.use_field_map(pack.ac_fields)
    rt = runtime_with(settings, helpdesk=vendors.helpdesk, crm=vendors.crm, pack=pack)
    # As after the worker's start-up check: the mailbox directory is known (the same list, seeds included).
    rt.mailbox_directory = vendors.helpdesk.mailboxes
    return rt
