"""Groove helpdesk client: REST v1 (tickets, messages, notes, customers); ticket tags through
GraphQL v2 behind a setting. Records and the webhook parser live in groove_models (re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests

from integrations.errors import ApiNotFound, ApiProtocolError, InvalidPayload
from integrations.groove_models import (
    GrooveAttachment,
    GrooveCustomer,
    GrooveMailbox,
    GrooveMessage,
    GrooveTicket,
    GrooveTicketPage,
    GrooveWebhook,
    dig,
    int_or_none,
    message_id_from_href,
    parse_groove_datetime,
    parse_webhook,
    str_or_none,
)
from integrations.http import HttpSettings, JsonHttp, RequestHook, error_message_from_body
from integrations.ratelimit import RateLimiter

__all__ = [
    "GrooveAttachment",
    "GrooveClient",
    "GrooveCustomer",
    "GrooveMailbox",
    "GrooveMessage",
    "GrooveTaggingDisabled",
    "GrooveTicket",
    "GrooveTicketPage",
    "GrooveWebhook",
    "InvalidPayload",
    "parse_groove_datetime",
    "parse_webhook",
]

VENDOR = "groove"
PER_PAGE = 50  # Groove's maximum
MAX_PAGES = 100  # 5 000 messages / tickets: a guard against a pagination loop, not a real limit


class GrooveTaggingDisabled(RuntimeError):
    """tag_ticket() was called but the GraphQL tag path is switched off in the settings."""


# ---------------------------------------------------------------------------------------------
# Client
# ---------------------------------------------------------------------------------------------
_GQL_CONVERSATION = "query ConversationByNumber($number: Int!) { conversation(number: $number) { id number } }"
_GQL_TAGS = (
    "query Tags($first: Int!, $after: String) { tags(first: $first, after: $after) "
    "{ nodes { id name } pageInfo { hasNextPage endCursor } } }"
)
_GQL_TAG_CREATE = (
    "mutation TagCreate($input: TagCreateInput!) { tagCreate(input: $input) "
    "{ tag { id name } errors { path message } } }"
)
_GQL_CONVERSATION_TAG = (
    "mutation ConversationTag($input: ConversationTagInput!) { conversationTag(input: $input) "
    "{ conversation { id } errors { path message } } }"
)


class GrooveClient:
    """Groove v1 REST (+ optional v2 GraphQL for tags).

    `base_url` is the API root WITHOUT version: "https://api.groovehq.com" (the sandbox:
    "http://127.0.0.1:8765/groove"); "/v1" and "/v2/graphql" are appended.
    """

    def __init__(
        self,
        *,
        base_url: str = "https://api.groovehq.com",
        token: str,
        settings: HttpSettings | None = None,
        note_author: str | None = None,
        limiter: RateLimiter | None = None,
        on_request: RequestHook | None = None,
        session: requests.Session | None = None,
        graphql_tags: bool = False,
        graphql_url: str | None = None,
    ) -> None:
        if not token:
            raise ValueError("Groove token is empty")
        root = base_url.rstrip("/")
        if root.endswith("/v1"):
            root = root[: -len("/v1")]
        self._http = JsonHttp(
            vendor=VENDOR,
            base_url=f"{root}/v1",
            auth_headers={"Authorization": f"Bearer {token}"},
            secrets=(token,),
            settings=settings,
            limiter=limiter,
            on_request=on_request,
            session=session,
            rate_limit_statuses=(429,),
            status_messages={401: "Groove rejected the API token (check GROOVE_API_TOKEN)"},
        )
        self.graphql_url = graphql_url or f"{root}/v2/graphql"
        self.graphql_tags = graphql_tags
        self.note_author = note_author
        self._tag_ids: dict[str, str] = {}  # lower-case name -> GraphQL tag id
        self._conversation_ids: dict[int, str] = {}

    # -- tickets ---------------------------------------------------------------------------
    def get_ticket(self, number: int) -> GrooveTicket:
        data = self._http.request("GET", f"/tickets/{int(number)}", route="/tickets/{number}")
        return self._ticket_from(data, "GET /tickets/{number}")

    def list_customer_tickets(self, email: str) -> list[GrooveTicket]:
        """All tickets of one customer (every page)."""
        tickets: list[GrooveTicket] = []
        for page in self._pages("/tickets", {"customer": email}, "/tickets?customer", "tickets"):
            for item in page:
                if isinstance(item, Mapping):
                    try:
                        tickets.append(GrooveTicket.from_api(item))
                    except ValueError:
                        continue  # an entry without a number cannot be referenced anyway
        return tickets

    def list_tickets(self, page: int = 1) -> GrooveTicketPage:
        """One page (50) of all the account's tickets, newest first (`GET /tickets?page=&per_page=`)."""
        data = self._http.request(
            "GET", "/tickets", params={"page": int(page), "per_page": PER_PAGE}, route="/tickets?page"
        )
        items = data.get("tickets") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise ApiProtocolError(VENDOR, 200, "GET /tickets: no 'tickets' list in response", data)
        tickets: list[GrooveTicket] = []
        for item in items:
            if isinstance(item, Mapping):
                try:
                    tickets.append(GrooveTicket.from_api(item))
                except ValueError:
                    continue
        pagination = dig(data, "meta", "pagination")
        pagination = pagination if isinstance(pagination, Mapping) else {}
        total_pages = int_or_none(pagination.get("total_pages"))
        if total_pages is None and not pagination.get("next_page") and items:
            total_pages = int(page)  # no pagination block and no next page: this is the last one
        return GrooveTicketPage(
            tickets=tuple(tickets),
            page=int(page),
            total_pages=total_pages,
            total_count=int_or_none(pagination.get("total_count")),
        )

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
        state: str | None = None,
        assignee: str | None = None,
        assigned_group: str | None = None,
        sent_at: str | None = None,
        send_copy_to_customer: bool | None = None,
        skip_notifications: bool | None = None,
    ) -> GrooveTicket:
        """POST /tickets (Groove v1 docs; docs/sandbox.md): `from`/`to` are emails (or agent/customer refs);
        `mailbox` is the e-mail or id of the mailbox (Groove's docs; omitted: the primary mailbox)."""
        payload: dict[str, Any] = {"body": body, "from": from_, "to": to}
        optional = {
            "subject": subject,
            "mailbox": mailbox,
            "state": state,
            "assignee": assignee,
            "assigned_group": assigned_group,
            "sent_at": sent_at,
            "send_copy_to_customer": send_copy_to_customer,
            "skip_notifications": skip_notifications,
        }
        payload.update({k: v for k, v in optional.items() if v is not None})
        tag_list = [t for t in tags if t]
        if tag_list:
            payload["tags"] = tag_list
        if note:
            payload["note"] = True
        data = self._http.request("POST", "/tickets", json=payload, route="/tickets")
        return self._ticket_from(data, "POST /tickets")

    # -- messages ----------------------------------------------------------------------------
    def list_messages(self, number: int) -> list[GrooveMessage]:
        """Every message of a ticket (all pages, 50 per page), oldest first."""
        messages: list[GrooveMessage] = []
        path = f"/tickets/{int(number)}/messages"
        for page in self._pages(path, {}, "/tickets/{number}/messages", "messages"):
            messages.extend(GrooveMessage.from_api(m) for m in page if isinstance(m, Mapping))
        epoch = datetime.min.replace(tzinfo=UTC)
        # Stable sort: messages without a date keep their relative API order.
        return sorted(messages, key=lambda m: m.created_at or epoch)

    def list_attachments(self, message_id: str) -> list[GrooveAttachment]:
        """The attachments of one message: `GET /attachments?message=<id>` (the id from the message's
        `links.attachments.href`); an unknown message has none (404 → [])."""
        try:
            data = self._http.request(
                "GET", "/attachments", params={"message": str(message_id)}, route="/attachments?message"
            )
        except ApiNotFound:
            return []
        items = data.get("attachments") if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise ApiProtocolError(VENDOR, 200, "GET /attachments: no 'attachments' list in response", data)
        return [GrooveAttachment.from_api(item) for item in items if isinstance(item, Mapping)]

    def post_note(self, number: int, body_html: str) -> str:
        """Post an internal note; returns the new message id ("" if Groove did not say)."""
        payload: dict[str, Any] = {"body": body_html, "note": True}
        if self.note_author:
            payload["author"] = self.note_author
        data = self._http.request(
            "POST", f"/tickets/{int(number)}/messages", json=payload, route="/tickets/{number}/messages"
        )
        message = data.get("message") if isinstance(data, Mapping) else None
        if not isinstance(message, Mapping):
            raise ApiProtocolError(VENDOR, 200, "POST /tickets/{number}/messages: no 'message' in response", data)
        return str_or_none(message.get("id")) or message_id_from_href(message.get("href")) or ""

    # -- customers ---------------------------------------------------------------------------
    def get_customer(self, email: str) -> GrooveCustomer | None:
        """The customer record, or None when Groove does not know the email (404)."""
        try:
            data = self._http.request("GET", f"/customers/{quote(email, safe='')}", route="/customers/{email}")
        except ApiNotFound:
            return None
        customer = data.get("customer") if isinstance(data, Mapping) else None
        if not isinstance(customer, Mapping):
            raise ApiProtocolError(VENDOR, 200, "GET /customers/{email}: no 'customer' in response", data)
        return GrooveCustomer.from_api(customer, email)

    # -- mailboxes ---------------------------------------------------------------------------
    def list_mailboxes(self) -> list[GrooveMailbox]:
        """The account's mailboxes (`GET /mailboxes`): tickets are created in one by its e-mail or id."""
        mailboxes: list[GrooveMailbox] = []
        for page in self._pages("/mailboxes", {}, "/mailboxes", "mailboxes"):
            mailboxes.extend(GrooveMailbox.from_api(m) for m in page if isinstance(m, Mapping))
        return mailboxes

    # -- tags (GraphQL v2) -----------------------------------------------------------------
    def tag_ticket(self, number: int, tag_names: Iterable[str]) -> tuple[str, ...]:
        """Add tags to a ticket via GraphQL `conversationTag`; creates missing tags. Returns tag ids."""
        if not self.graphql_tags:
            raise GrooveTaggingDisabled("Groove ticket tagging (GraphQL v2) is disabled in the settings")
        names = [n.strip() for n in tag_names if n and n.strip()]
        if not names:
            return ()
        conversation_id = self._conversation_id(int(number))
        tag_ids = tuple(self._ensure_groove_tag(name) for name in names)
        data = self._graphql(
            _GQL_CONVERSATION_TAG,
            {"input": {"conversationId": conversation_id, "tagIds": list(tag_ids)}},
            "conversationTag",
        )
        payload = data.get("conversationTag")
        if not isinstance(payload, Mapping):
            raise ApiProtocolError(VENDOR, 200, "conversationTag: no payload", data)
        self._raise_payload_errors("conversationTag", payload)
        return tag_ids

    # -- internals ---------------------------------------------------------------------------
    def _ticket_from(self, data: Any, what: str) -> GrooveTicket:
        ticket = data.get("ticket") if isinstance(data, Mapping) else None
        if not isinstance(ticket, Mapping):
            raise ApiProtocolError(VENDOR, 200, f"{what}: no 'ticket' in response", data)
        try:
            return GrooveTicket.from_api(ticket)
        except ValueError as exc:
            raise ApiProtocolError(VENDOR, 200, f"{what}: {exc}", data) from None

    def _pages(self, path: str, params: Mapping[str, Any], route: str, key: str) -> Iterator[list[Any]]:
        """Yield the `key` list of each page; stops on the last page (we build page URLs ourselves:
        `next_page` is an absolute URL that has pointed at other hosts in examples)."""
        for page in range(1, MAX_PAGES + 1):
            data = self._http.request("GET", path, params={**params, "page": page, "per_page": PER_PAGE}, route=route)
            items = data.get(key) if isinstance(data, Mapping) else None
            if not isinstance(items, list):
                raise ApiProtocolError(VENDOR, 200, f"GET {route}: no '{key}' list in response", data)
            yield items
            pagination = dig(data, "meta", "pagination") or {}
            total_pages = int_or_none(pagination.get("total_pages")) if isinstance(pagination, Mapping) else None
            has_next = bool(pagination.get("next_page")) if isinstance(pagination, Mapping) else False
            if not items or (total_pages is not None and page >= total_pages) or (total_pages is None and not has_next):
                return

    def _graphql(self, query: str, variables: Mapping[str, Any], operation: str) -> Mapping[str, Any]:
        data = self._http.request(
            "POST",
            self.graphql_url,
            json={"query": query, "variables": dict(variables)},
            route=f"/v2/graphql {operation}",
        )
        if not isinstance(data, Mapping):
            raise ApiProtocolError(VENDOR, 200, f"GraphQL {operation}: body is not an object", data)
        errors = data.get("errors")
        if errors:
            raise ApiProtocolError(VENDOR, 200, f"GraphQL {operation}: {error_message_from_body(data, 'error')}", data)
        result = data.get("data")
        if not isinstance(result, Mapping):
            raise ApiProtocolError(VENDOR, 200, f"GraphQL {operation}: no data", data)
        return result

    @staticmethod
    def _raise_payload_errors(operation: str, payload: Mapping[str, Any]) -> None:
        errors = payload.get("errors")
        if errors:
            text = "; ".join(str(e.get("message")) for e in errors if isinstance(e, Mapping)) or str(errors)
            raise ApiProtocolError(VENDOR, 200, f"GraphQL {operation}: {text}", payload)

    def _conversation_id(self, number: int) -> str:
        if number in self._conversation_ids:
            return self._conversation_ids[number]
        data = self._graphql(_GQL_CONVERSATION, {"number": number}, "conversation")
        conversation = data.get("conversation")
        if not isinstance(conversation, Mapping) or not conversation.get("id"):
            raise ApiNotFound(VENDOR, 404, f"GraphQL conversation: no conversation number {number}")
        if len(self._conversation_ids) > 1000:
            self._conversation_ids.clear()
        self._conversation_ids[number] = str(conversation["id"])
        return self._conversation_ids[number]

    def _refresh_groove_tags(self) -> None:
        found: dict[str, str] = {}
        after: str | None = None
        for _ in range(MAX_PAGES):
            data = self._graphql(_GQL_TAGS, {"first": 100, "after": after}, "tags")
            tags = data.get("tags")
            connection: Mapping[str, Any] = tags if isinstance(tags, Mapping) else {}
            for node in connection.get("nodes") or []:
                if isinstance(node, Mapping) and node.get("id") and isinstance(node.get("name"), str):
                    found[node["name"].strip().lower()] = str(node["id"])
            page_info = connection.get("pageInfo") or {}
            after = page_info.get("endCursor")
            if not page_info.get("hasNextPage") or not after:
                break
        self._tag_ids = found

    def _ensure_groove_tag(self, name: str) -> str:
        key = name.lower()
        if key not in self._tag_ids:
            self._refresh_groove_tags()
        if key in self._tag_ids:
            return self._tag_ids[key]
        data = self._graphql(_GQL_TAG_CREATE, {"input": {"name": name}}, "tagCreate")
        created = data.get("tagCreate")
        payload: Mapping[str, Any] = created if isinstance(created, Mapping) else {}
        tag = payload.get("tag")
        if isinstance(tag, Mapping) and tag.get("id"):
            self._tag_ids[key] = str(tag["id"])
            return self._tag_ids[key]
        # "has already been taken": another worker created it between our read and write.
        self._refresh_groove_tags()
        if key in self._tag_ids:
            return self._tag_ids[key]
        self._raise_payload_errors("tagCreate", payload)
        raise ApiProtocolError(VENDOR, 200, "GraphQL tagCreate: no tag returned", payload)
