"""Groove data: typed ticket / message / customer records and the incoming-webhook parser.

Parsing is defensive (every field may be missing or oddly typed). Facts (Groove's v1 API docs) — v1 wraps
resources in "ticket" / "message" / "customer"; message authors are only identified by
`links.author.href` (`/v1/customers/<email>` or `/v1/agents/<email>`); dates come as
"2012-07-17T13:41:01Z", "2017-12-14 20:09:19 +0530" or "2017-12-14 15:54:26 UTC"; webhooks carry
the bare resource JSON with the event name in the X-Groove-Event header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from integrations.errors import InvalidPayload

__all__ = [
    "GrooveCustomer",
    "GrooveMessage",
    "GrooveTicket",
    "GrooveWebhook",
    "InvalidPayload",
    "message_id_from_href",
    "parse_groove_datetime",
    "parse_webhook",
    "person_from_href",
    "ticket_number_from_href",
]


# ---------------------------------------------------------------------------------------------
# Parsing helpers (defensive: every field may be missing or oddly typed)
# ---------------------------------------------------------------------------------------------
def parse_groove_datetime(value: Any) -> datetime | None:
    """Groove's date formats → aware datetime (naive values are taken as UTC); None if unknown."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(" UTC"):
        text = text[:-4] + " +0000"
    candidates = (
        lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")),
        lambda t: datetime.strptime(t, "%Y-%m-%d %H:%M:%S %z"),
        lambda t: datetime.strptime(t, "%Y-%m-%d %H:%M:%S"),
        parsedate_to_datetime,  # RFC 822, which Groove's docs prefer for `sent_at`
    )
    for parse in candidates:
        try:
            parsed = parse(text)
        except (TypeError, ValueError, IndexError):
            continue
        if parsed is None:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    # isdecimal, not isdigit: "²".isdigit() is True but int("²") raises (a 500 at the webhook).
    if isinstance(value, str) and value.strip().isdecimal():
        return int(value.strip())
    return None


_PERSON_HREF = re.compile(r"/v\d+/(customers|agents)/([^/?#]+)")
_TICKET_HREF = re.compile(r"/tickets/(\d+)(?:[/?#]|$)")
_MESSAGE_HREF = re.compile(r"/messages/(\d+)(?:[/?#]|$)")


def person_from_href(href: Any) -> tuple[str | None, str | None]:
    """'/v1/customers/a%40b.de' → ('customer', 'a@b.de'); numeric ids give no email."""
    if not isinstance(href, str):
        return None, None
    match = _PERSON_HREF.search(href)
    if not match:
        return None, None
    kind = "customer" if match.group(1) == "customers" else "agent"
    ident = unquote(match.group(2))
    return kind, (ident if "@" in ident else None)


def ticket_number_from_href(href: Any) -> int | None:
    if not isinstance(href, str):
        return None
    match = _TICKET_HREF.search(urlsplit(href).path or href)
    return int(match.group(1)) if match else None


def message_id_from_href(href: Any) -> str | None:
    if not isinstance(href, str):
        return None
    match = _MESSAGE_HREF.search(href)
    return match.group(1) if match else None


def _attachment_names(value: Any) -> tuple[str, ...]:
    names: list[str] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item.strip():
                names.append(item.strip())
            elif isinstance(item, Mapping):
                name = item.get("filename") or item.get("name") or item.get("file_name") or item.get("title")
                if not name and isinstance(item.get("url"), str):
                    name = unquote(urlsplit(item["url"]).path.rsplit("/", 1)[-1])
                if name:
                    names.append(str(name))
    return tuple(names)


# ---------------------------------------------------------------------------------------------
# Typed results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GrooveTicket:
    number: int
    title: str
    state: str | None
    customer_email: str | None
    customer_name: str | None
    created_at: datetime | None
    updated_at: datetime | None
    tags: tuple[str, ...]
    assignee: str | None
    message_count: int | None
    summary: str | None
    mailbox: str | None
    priority: str | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GrooveTicket:
        number = int_or_none(data.get("number"))
        if number is None:
            number = ticket_number_from_href(data.get("href"))
        if number is None:
            raise ValueError("ticket without number")
        customer = data.get("customer") if isinstance(data.get("customer"), Mapping) else {}
        link = dig(data, "links", "customer") or {}
        _, href_email = person_from_href(link.get("href") if isinstance(link, Mapping) else None)
        # Explicit email fields beat the href (the docs example has an href that is an id or differs).
        email = (
            str_or_none(customer.get("email"))
            or str_or_none(link.get("email") if isinstance(link, Mapping) else None)
            or href_email
            or str_or_none(data.get("customer_email"))
        )
        first_last = " ".join(
            p for p in (str_or_none(customer.get("first_name")), str_or_none(customer.get("last_name"))) if p
        )
        name = str_or_none(data.get("customer_name")) or str_or_none(customer.get("name")) or (first_last or None)
        assignee = data.get("assignee")
        if not isinstance(assignee, str):
            _, assignee = person_from_href(dig(data, "links", "assignee", "href"))
        tags = data.get("tags")
        return cls(
            number=number,
            title=str(data.get("title") or data.get("subject") or ""),
            state=str_or_none(data.get("state")),
            customer_email=email.lower() if email else None,
            customer_name=name,
            created_at=parse_groove_datetime(data.get("created_at")),
            updated_at=parse_groove_datetime(data.get("updated_at")),
            tags=tuple(str(t) for t in tags if isinstance(t, (str, int))) if isinstance(tags, list) else (),
            assignee=str_or_none(assignee),
            message_count=int_or_none(data.get("message_count")),
            summary=str_or_none(data.get("summary")),
            mailbox=str_or_none(data.get("mailbox")),
            priority=str_or_none(data.get("priority")),
        )


@dataclass(frozen=True)
class GrooveMessage:
    id: str | None
    ticket_number: int | None
    created_at: datetime | None
    note: bool
    body_html: str
    plain_text: str
    author_kind: str | None  # "customer" | "agent" | None
    author_email: str | None
    attachments: tuple[str, ...] = ()

    @property
    def from_customer(self) -> bool:
        return self.author_kind == "customer"

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GrooveMessage:
        kind, email = person_from_href(dig(data, "links", "author", "href"))
        if kind is None and isinstance(data.get("agent_response"), bool):
            kind = "agent" if data["agent_response"] else "customer"
        body = data.get("body")
        plain = data.get("plain_text_body")
        attachments = _attachment_names(data.get("attachments"))
        return cls(
            id=str_or_none(data.get("id")) or message_id_from_href(data.get("href")),
            ticket_number=ticket_number_from_href(dig(data, "links", "ticket", "href")),
            created_at=parse_groove_datetime(data.get("created_at")),
            note=data.get("note") is True or str(data.get("note")).lower() == "true",
            body_html=body if isinstance(body, str) else "",
            plain_text=plain if isinstance(plain, str) else "",
            author_kind=kind,
            author_email=email.lower() if email else None,
            attachments=attachments,
        )


@dataclass(frozen=True)
class GrooveCustomer:
    email: str
    name: str | None
    first_name: str | None
    last_name: str | None
    company_name: str | None
    about: str | None
    phone_number: str | None
    location: str | None
    custom: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any], fallback_email: str) -> GrooveCustomer:
        first, last = str_or_none(data.get("first_name")), str_or_none(data.get("last_name"))
        name = str_or_none(data.get("name")) or (" ".join(p for p in (first, last) if p) or None)
        custom = data.get("custom")
        return cls(
            email=(str_or_none(data.get("email")) or fallback_email).lower(),
            name=name,
            first_name=first,
            last_name=last,
            company_name=str_or_none(data.get("company_name")),
            about=str_or_none(data.get("about")),
            phone_number=str_or_none(data.get("phone_number")),
            location=str_or_none(data.get("location")),
            custom=dict(custom) if isinstance(custom, Mapping) else {},
        )


# ---------------------------------------------------------------------------------------------
# Incoming webhooks
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GrooveWebhook:
    event: str
    ticket_number: int
    message_id: str | None = None
    customer_email: str | None = None
    author_email: str | None = None  # message events: who wrote it (agent or customer)
    note: bool = False  # message events: is it an internal note (e.g. our own)?


def parse_webhook(event: str, raw: bytes | str) -> GrooveWebhook:
    """Parse a Groove webhook body (JSON whatever the Content-Type says; event from X-Groove-Event).

    Ticket events carry a Ticket (`number`); customer_replied / agent_replied / note_added a
    Message (`id`, `links.ticket.href` → number); ticket_state_changed has `ticket_number`.
    Raises InvalidPayload when the body is unusable.
    """
    event = (event or "").strip().lower()
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidPayload("body is not UTF-8") from None
    else:
        text = raw
    if not text.strip():
        raise InvalidPayload("empty body")
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidPayload("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidPayload("body is not a JSON object")

    ticket = data.get("ticket") if isinstance(data.get("ticket"), Mapping) else None
    message_like = "links" in data and isinstance(dig(data, "links", "ticket"), Mapping)

    number = int_or_none(data.get("ticket_number"))
    if number is None and not message_like:
        number = int_or_none(data.get("number"))
    if number is None:
        number = ticket_number_from_href(dig(data, "links", "ticket", "href"))
    if number is None and ticket is not None:
        number = int_or_none(ticket.get("number")) or ticket_number_from_href(ticket.get("href"))
    if number is None:
        number = ticket_number_from_href(data.get("href"))
    if number is None or number <= 0:
        raise InvalidPayload("no ticket number in payload")

    if message_like:
        message = GrooveMessage.from_api(data)
        customer_email = message.author_email if message.author_kind == "customer" else None
        if customer_email is None:
            kind, recipient = person_from_href(dig(data, "links", "recipient", "href"))
            customer_email = recipient.lower() if kind == "customer" and recipient else None
        return GrooveWebhook(
            event=event,
            ticket_number=number,
            message_id=message.id,
            customer_email=customer_email,
            author_email=message.author_email,
            note=message.note,
        )

    source = ticket if ticket is not None else data
    email = None
    try:
        email = GrooveTicket.from_api({**source, "number": number}).customer_email
    except ValueError:
        email = None
    return GrooveWebhook(event=event, ticket_number=number, customer_email=email)
