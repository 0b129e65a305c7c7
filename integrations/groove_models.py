"""Groove data: typed ticket / message / customer records and the incoming-webhook parser.

Parsing is defensive (every field may be missing or oddly typed). Facts (Groove's v1 API docs) — v1 wraps
resources in "ticket" / "message" / "customer"; message authors are only identified by
`links.author.href` (`/v1/customers/<email>` or `/v1/agents/<email>`); dates come as
"2012-07-17T13:41:01Z", "2017-12-14 20:09:19 +0530" or "2017-12-14 15:54:26 UTC"; webhooks carry
the bare resource JSON with the event name in the X-Groove-Event header.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from integrations.errors import InvalidPayload

__all__ = [
    "GrooveAttachment",
    "GrooveCustomer",
    "GrooveMailbox",
    "GrooveMessage",
    "GrooveTicket",
    "GrooveTicketPage",
    "GrooveWebhook",
    "InvalidPayload",
    "auto_submitted_header",
    "message_id_from_attachments_href",
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
        try:
            return int(value.strip())
        except ValueError:  # more than 4,300 digits: no number of ours (and int() refuses it)
            return None
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
    return int_or_none(match.group(1)) if match else None


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
                name = GrooveAttachment.from_api(item).name
                if name:
                    names.append(name)
    return tuple(names)


def message_id_from_attachments_href(href: Any) -> str | None:
    """'…/v1/attachments?message=764578238' → '764578238' (the docs' listing links attachments so)."""
    if not isinstance(href, str):
        return None
    values = parse_qs(urlsplit(href).query).get("message") or []
    return next((v.strip() for v in values if v.strip()), None)


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{2,5}$")
# Headers that mark a message as sent by a machine (RFC 3834 Auto-Submitted and the common
# vendor ones); Groove documents no header field on messages, so they are read only if present.
_AUTO_HEADERS = ("auto-submitted", "x-autoreply", "x-autorespond", "x-auto-response-suppress", "precedence")


def _headers_of(value: Any) -> dict[str, str]:
    """A message's mail headers, if the payload carries any: {name: value} or [{name, value}] → lower-case names."""
    found: dict[str, str] = {}
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list):
        items = [
            (item.get("name") or item.get("key"), item.get("value")) for item in value if isinstance(item, Mapping)
        ]
    else:
        items = []
    for name, text in items:
        if isinstance(name, str) and isinstance(text, (str, int)):
            found[name.strip().lower()] = str(text).strip()
    return found


def auto_submitted_header(data: Mapping[str, Any]) -> str | None:
    """'Auto-Submitted: auto-replied' (or X-Autoreply …) when the message payload shows such a header."""
    headers = _headers_of(data.get("headers"))
    for key in ("auto_submitted", "auto-submitted"):
        if isinstance(data.get(key), str):
            headers.setdefault("auto-submitted", str(data[key]).strip())
    for name in _AUTO_HEADERS:
        value = headers.get(name)
        if not value:
            continue
        lowered = value.lower()
        if name == "auto-submitted" and lowered == "no":
            continue  # RFC 3834: "no" = written by a person
        if name == "precedence" and lowered not in ("auto_reply", "auto-reply", "bulk", "junk"):
            continue
        if name == "x-auto-response-suppress" and lowered in ("", "none"):
            continue
        return f"{name.title()}: {value}"
    return None


# ---------------------------------------------------------------------------------------------
# Typed results
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GrooveAttachment:
    """One entry of `GET /v1/attachments?message=<id>` (docs: {"filename", "size", "url"})."""

    filename: str | None
    size: int | None
    url: str | None
    content_type: str | None = None  # not in the documented listing; read when a payload has it

    @property
    def name(self) -> str:
        """The file name the policy reads: the filename (else the URL's last path part), with the
        extension of the content type added when the name has none ("Scan" + image/jpeg → "Scan.jpg")."""
        name = (self.filename or "").strip()
        if not name and self.url:
            name = unquote(urlsplit(self.url).path.rsplit("/", 1)[-1]).strip()
        if self.content_type and not _EXTENSION.search(name):
            ext = mimetypes.guess_extension(self.content_type.split(";")[0].strip().lower(), strict=False)
            if ext:
                name = f"{name or 'anhang'}{'.jpg' if ext in ('.jpe', '.jfif') else ext}"
        return name

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GrooveAttachment:
        content_type = (
            data.get("content_type")
            or data.get("attachment_content_type")  # the uploader API's field name (Groove docs)
            or data.get("mime_type")
            or data.get("contentType")
        )
        return cls(
            filename=str_or_none(
                data.get("filename")
                or data.get("name")
                or data.get("file_name")
                or data.get("attachment_file_name")
                or data.get("title")
            ),
            size=int_or_none(data.get("size") if data.get("size") is not None else data.get("attachment_file_size")),
            url=str_or_none(data.get("url")),
            content_type=str_or_none(content_type),
        )


@dataclass(frozen=True)
class GrooveMailbox:
    """One entry of `GET /v1/mailboxes` ({"id", "name", "email", "links"}; the Ruby client's fixture)."""

    id: str | None
    name: str | None
    email: str | None

    def known_as(self, ref: Any) -> bool:
        """Whether `ref` (a name, an e-mail or an id, any case) names this mailbox."""
        text = str(ref).strip().casefold() if ref is not None else ""
        return bool(text) and text in {v.casefold() for v in (self.id, self.name, self.email) if v}

    def describe(self) -> str:
        parts = [self.name or "?"]
        if self.email:
            parts.append(f"<{self.email}>")
        if self.id:
            parts.append(f"(id {self.id})")
        return " ".join(parts)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GrooveMailbox:
        email = str_or_none(data.get("email"))
        return cls(
            id=str_or_none(data.get("id")),
            name=str_or_none(data.get("name")),
            email=email.lower() if email else None,
        )


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
    mailbox_id: str | None = None
    # The webhook's Ticket carries it; the v1 docs' ticket does not (None: unknown, look at the messages).
    attachment_count: int | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GrooveTicket:
        number = int_or_none(data.get("number"))
        if number is None:
            number = ticket_number_from_href(data.get("href"))
        if number is None:
            raise ValueError("ticket without number")
        raw_customer = data.get("customer")
        customer: Mapping[str, Any] = raw_customer if isinstance(raw_customer, Mapping) else {}
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
            mailbox_id=str_or_none(data.get("mailbox_id")),
            attachment_count=int_or_none(data.get("attachment_count")),
        )


@dataclass(frozen=True)
class GrooveTicketPage:
    """One page of `GET /v1/tickets` (newest first) and where the listing stands."""

    tickets: tuple[GrooveTicket, ...]
    page: int
    total_pages: int | None
    total_count: int | None

    @property
    def last(self) -> bool:
        return not self.tickets or (self.total_pages is not None and self.page >= self.total_pages)


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
    # v1 `GET /tickets/{n}/messages` has no inline `attachments` array: each message links
    # `links.attachments.href` → `GET /v1/attachments?message=<id>`. The webhook Message has the array.
    attachments_href: str | None = None
    attachments_listed: bool = False  # the payload carried an `attachments` array (maybe empty)
    auto_submitted: str | None = None  # e.g. "Auto-Submitted: auto-replied", when the payload shows headers

    @property
    def from_customer(self) -> bool:
        return self.author_kind == "customer"

    @property
    def attachments_message_id(self) -> str | None:
        """The id to ask `GET /v1/attachments?message=` for; None when the names are inline or unlinked."""
        if self.attachments_listed:
            return None
        return message_id_from_attachments_href(self.attachments_href)

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> GrooveMessage:
        kind, email = person_from_href(dig(data, "links", "author", "href"))
        if kind is None and isinstance(data.get("agent_response"), bool):
            kind = "agent" if data["agent_response"] else "customer"
        body = data.get("body")
        plain = data.get("plain_text_body")
        attachments = _attachment_names(data.get("attachments"))
        link = dig(data, "links", "attachments", "href")
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
            attachments_href=link if isinstance(link, str) and link.strip() else None,
            attachments_listed=isinstance(data.get("attachments"), list),
            auto_submitted=auto_submitted_header(data),
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
    except RecursionError:
        raise InvalidPayload("body is nested too deeply") from None
    except ValueError:  # also an integer of more than 4,300 digits
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
