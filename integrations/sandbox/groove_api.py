"""Groove v1 REST (+ the few v2 GraphQL operations our client sends) on top of SandboxStore.

Response shapes follow Groove's documented v1 examples (docs/sandbox.md) — messages in a listing carry
`href` but no `id` and no inline `attachments` array (only `links.attachments.href`), exactly like the
docs, so clients must derive ids and fetch attachment names the way they would in reality.
"""

from __future__ import annotations

import math
import re
from typing import Any, cast
from urllib.parse import quote, unquote

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from integrations.sandbox.store import DEFAULT_AGENT, SandboxStore

bp = Blueprint("groove", __name__, url_prefix="/groove")
MAX_PER_PAGE = 50


def _store() -> SandboxStore:
    return cast(SandboxStore, current_app.config["SANDBOX_STORE"])


def _api_root() -> str:
    return request.host_url.rstrip("/") + "/groove/v1"


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True, force=True)
    if isinstance(body, dict):
        return body
    return {k: v for k, v in request.form.items()}  # Groove also takes form-encoded bodies


def _not_found(what: str) -> Response:
    response = jsonify({"errors": f"{what} not found"})
    response.status_code = 404
    return response


def ticket_json(store: SandboxStore, ticket: dict[str, Any], root: str) -> dict[str, Any]:
    number = ticket["number"]
    email = ticket["customer_email"]
    messages = store.messages.get(number, [])
    first = messages[0]["plain_text_body"] if messages else ""
    links: dict[str, Any] = {
        "customer": {"href": f"{root}/customers/{quote(email, safe='@')}", "email": email},
        "state": {"href": f"{root}/tickets/{number}/state"},
        "messages": {"href": f"{root}/tickets/{number}/messages"},
    }
    if ticket.get("assignee"):
        links["assignee"] = {"href": f"{root}/agents/{ticket['assignee']}"}
    return {
        "assigned_group": None,
        "created_at": ticket["created_at"],
        "number": number,
        "priority": ticket.get("priority"),
        "resolution_time": None,
        "title": ticket["title"],
        "updated_at": ticket["updated_at"],
        "href": f"{root}/tickets/{number}",
        "closed_by": None,
        "tags": list(ticket["tags"]),
        "message_count": len(messages),
        "summary": first[:100],
        "state": ticket["state"],
        "mailbox": ticket.get("mailbox"),
        "mailbox_id": ticket.get("mailbox_id"),
        "assignee": ticket.get("assignee"),
        "customer_name": ticket.get("customer_name"),
        "links": links,
    }


def message_json(message: dict[str, Any], root: str, *, with_id: bool = False, inline: bool = False) -> dict[str, Any]:
    """A message as the v1 listing serves it; `with_id` + `inline` give the webhook's Message (which
    carries `id` and an `attachments` array, as the recorded webhook bodies show)."""
    author_path = "customers" if message["author_kind"] == "customer" else "agents"
    data: dict[str, Any] = {
        "created_at": message["created_at"],
        "updated_at": message["created_at"],
        "note": message["note"],
        "body": message["body"],
        "plain_text_body": message["plain_text_body"],
        "href": f"{root}/messages/{message['id']}",
        "links": {
            "attachments": {"href": f"{root}/attachments?message={message['id']}"},
            "author": {"href": f"{root}/{author_path}/{message['author_email']}"},
            "ticket": {"href": f"{root}/tickets/{message['ticket_number']}"},
        },
    }
    if with_id:
        data["id"] = message["id"]
    if inline:
        data["attachments"] = [attachment_json(a, message["id"]) for a in message["attachments"]]
    return data


def attachment_json(record: dict[str, Any], message_id: str) -> dict[str, Any]:
    """`{"filename", "size", "url"}` as `GET /v1/attachments` documents it (+ `content_type` if seeded)."""
    data: dict[str, Any] = {
        "filename": record["filename"],
        "size": record["size"],
        "url": f"https://attachments.sandbox.invalid/{message_id}/{quote(record['filename'])}",
    }
    if record.get("content_type"):
        data["content_type"] = record["content_type"]
    return data


def mailbox_json(box: dict[str, Any], root: str) -> dict[str, Any]:
    """A mailbox as `GET /v1/mailboxes` lists it (the Ruby client's recorded fixture)."""
    box_id = int(box["id"]) if str(box["id"]).isdigit() else box["id"]
    return {
        "id": box_id,
        "name": box["name"],
        "email": box.get("email"),
        "links": {"folders": {"href": f"{root}/folders?mailbox={box['id']}"}},
    }


def _paginate(items: list[Any], path: str, extra: str = "") -> tuple[list[Any], dict[str, Any]]:
    try:
        page = max(1, int(request.args.get("page", 1)))
        per_page = min(MAX_PER_PAGE, max(1, int(request.args.get("per_page", 25))))
    except ValueError:
        page, per_page = 1, 25
    total_pages = max(1, math.ceil(len(items) / per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    next_page = f"{path}?{extra}page={page + 1}&per_page={per_page}" if page < total_pages else None
    meta = {
        "pagination": {
            "current_page": page,
            "total_pages": total_pages,
            "total_count": len(items),
            "next_page": next_page,
        }
    }
    return chunk, meta


@bp.get("/v1/tickets/<int:number>")
def get_ticket(number: int) -> ResponseReturnValue:
    store = _store()
    with store.lock:
        ticket = store.tickets.get(number)
        if ticket is None:
            return _not_found("Ticket")
        return jsonify({"ticket": ticket_json(store, ticket, _api_root())})


@bp.get("/v1/tickets")
def list_tickets() -> ResponseReturnValue:
    store = _store()
    customer = (request.args.get("customer") or "").strip().lower()
    state = request.args.get("state")
    with store.lock:
        tickets = sorted(store.tickets.values(), key=lambda t: t["number"], reverse=True)
        if customer:
            tickets = [t for t in tickets if t["customer_email"] == customer]
        if state:
            tickets = [t for t in tickets if t["state"] in state.split(",")]
        extra = f"customer={quote(customer)}&" if customer else ""
        chunk, meta = _paginate(tickets, f"{_api_root()}/tickets", extra)
        return jsonify({"tickets": [ticket_json(store, t, _api_root()) for t in chunk], "meta": meta})


@bp.post("/v1/tickets")
def create_ticket() -> ResponseReturnValue:
    store = _store()
    body = _json_body()
    missing = [k for k in ("body", "from", "to") if not body.get(k)]
    if missing:
        return jsonify({"errors": [f"{k} is required" for k in missing]}), 422
    sender, recipient = str(body["from"]).lower(), str(body["to"]).lower()
    # The customer is the sender unless an agent opened the ticket (then it is the recipient).
    customer = recipient if store.is_agent(sender) else sender
    with store.lock:
        # "The email or ID of the mailbox the ticket should be created in. If omitted, defaults to the
        # primary mailbox." What Groove answers for an unknown one is undocumented: a 422 here, so that
        # a display name (or a typo) shows up instead of a ticket in the wrong mailbox.
        mailbox = store.find_mailbox_by_address(body["mailbox"]) if body.get("mailbox") else None
        if body.get("mailbox") and mailbox is None:
            return jsonify({"errors": [f"mailbox {body['mailbox']!r} not found (give its email or id)"]}), 422
        ticket = store.seed_ticket(
            {
                "subject": body.get("subject") or "",
                "customer_email": customer,
                "state": body.get("state") or "unread",
                "tags": body.get("tags") if isinstance(body.get("tags"), list) else [],
                "mailbox": mailbox["id"] if mailbox else None,
                "assignee": body.get("assignee"),
            }
        )
        store.add_message(
            ticket["number"],
            body=str(body["body"]),
            author_email=sender,
            note=str(body.get("note")).lower() == "true",
            created_at=body.get("sent_at"),
        )
        payload = ticket_json(store, ticket, _api_root())
    response = jsonify({"ticket": payload})
    response.status_code = 201
    response.headers["Location"] = payload["href"]
    return response


@bp.get("/v1/tickets/<int:number>/messages")
def list_messages(number: int) -> ResponseReturnValue:
    store = _store()
    with store.lock:
        if number not in store.tickets:
            return _not_found("Ticket")
        newest_first = list(reversed(store.messages.get(number, [])))
        chunk, meta = _paginate(newest_first, f"{_api_root()}/tickets/{number}/messages")
        return jsonify({"messages": [message_json(m, _api_root()) for m in chunk], "meta": meta})


@bp.get("/v1/attachments")
def list_attachments() -> ResponseReturnValue:
    """`GET /v1/attachments?message=<id>` (required) → `{"attachments": [{"filename", "size", "url"}]}`."""
    store = _store()
    message_id = (request.args.get("message") or "").strip()
    if not message_id:
        return jsonify({"errors": ["message is required"]}), 422
    with store.lock:
        message = next((m for ms in store.messages.values() for m in ms if m["id"] == message_id), None)
        if message is None:
            return _not_found("Message")
        return jsonify({"attachments": [attachment_json(a, message_id) for a in message["attachments"]]})


@bp.get("/v1/mailboxes")
def list_mailboxes() -> ResponseReturnValue:
    store = _store()
    with store.lock:
        boxes = sorted(store.mailboxes.values(), key=lambda b: str(b["id"]))
        return jsonify({"mailboxes": [mailbox_json(b, _api_root()) for b in boxes]})


@bp.post("/v1/tickets/<int:number>/messages")
def create_message(number: int) -> ResponseReturnValue:
    store = _store()
    body = _json_body()
    if not body.get("body"):
        return jsonify({"errors": ["body is required"]}), 422
    note = body.get("note") is True or str(body.get("note")).lower() == "true"
    with store.lock:
        if number not in store.tickets:
            return _not_found("Ticket")
        author = str(body.get("author") or DEFAULT_AGENT)
        message = store.add_message(
            number, body=str(body["body"]), author_email=author, note=note, created_at=body.get("sent_at")
        )
        payload = message_json(message, _api_root())
    return jsonify({"message": payload}), 201


@bp.get("/v1/customers/<path:email>")
def get_customer(email: str) -> ResponseReturnValue:
    store = _store()
    email = unquote(email).strip().lower()
    with store.lock:
        customer = store.customers.get(email)
        if customer is None:
            return _not_found("Customer")
        root = _api_root()
        return jsonify(
            {
                "customer": {
                    "href": f"{root}/customers/{email}",
                    "links": {"tickets": {"href": f"{root}/tickets?customer={email}"}},
                    "email": email,
                    "name": customer.get("name"),
                    "first_name": customer.get("first_name"),
                    "last_name": customer.get("last_name"),
                    "about": customer.get("about"),
                    "twitter_username": None,
                    "title": None,
                    "company_name": customer.get("company_name"),
                    "phone_number": customer.get("phone_number"),
                    "location": customer.get("location"),
                    "website_url": None,
                    "linkedin_username": None,
                    "custom": dict(customer.get("custom") or {}),
                }
            }
        )


# -- GraphQL v2: only the operations integrations.groove sends, recognised by their root field --
_ROOT_FIELD = re.compile(r"\b(conversationTag|tagCreate|conversation|tags)\s*\(")


def _conversation_id(number: int) -> str:
    return f"cnv_{number:010d}"


@bp.post("/v2/graphql")
def graphql() -> ResponseReturnValue:
    store = _store()
    body = request.get_json(silent=True, force=True) or {}
    query = str(body.get("query") or "")
    variables = body.get("variables") or {}
    match = _ROOT_FIELD.search(query)
    if not match:
        return jsonify(
            {"errors": [{"message": "the sandbox understands only conversation, tags, tagCreate, conversationTag"}]}
        )
    field = match.group(1)
    with store.lock:
        if field == "conversation":
            ticket = store.tickets.get(int(variables.get("number") or 0))
            node = {"id": _conversation_id(ticket["number"]), "number": ticket["number"]} if ticket else None
            return jsonify({"data": {"conversation": node}})
        if field == "tags":
            items = sorted(store.groove_tags.items(), key=lambda kv: kv[0])
            start = int(variables.get("after") or 0)
            first = int(variables.get("first") or 25)
            chunk = items[start : start + first]
            end = start + len(chunk)
            return jsonify(
                {
                    "data": {
                        "tags": {
                            "nodes": [{"id": i, "name": n} for i, n in chunk],
                            "pageInfo": {"hasNextPage": end < len(items), "endCursor": str(end)},
                        }
                    }
                }
            )
        if field == "tagCreate":
            name = str((variables.get("input") or {}).get("name") or "").strip()
            if not name or any(n.lower() == name.lower() for n in store.groove_tags.values()):
                message = "can't be blank" if not name else "has already been taken"
                return jsonify(
                    {
                        "data": {
                            "tagCreate": {"tag": None, "errors": [{"path": ["attributes", "name"], "message": message}]}
                        }
                    }
                )
            tag_id = f"tag_{len(store.groove_tags) + 1:010d}"
            store.groove_tags[tag_id] = name
            return jsonify({"data": {"tagCreate": {"tag": {"id": tag_id, "name": name}, "errors": []}}})
        # conversationTag
        data = variables.get("input") or {}
        conversation = str(data.get("conversationId") or "")
        ticket = next((t for n, t in store.tickets.items() if _conversation_id(n) == conversation), None)
        unknown = [i for i in data.get("tagIds") or [] if i not in store.groove_tags]
        if ticket is None or unknown:
            what = "conversationId" if ticket is None else "tagIds"
            return jsonify(
                {
                    "data": {
                        "conversationTag": {"conversation": None, "errors": [{"path": [what], "message": "is invalid"}]}
                    }
                }
            )
        for tag_id in data.get("tagIds") or []:
            if store.groove_tags[tag_id] not in ticket["tags"]:
                ticket["tags"].append(store.groove_tags[tag_id])
        return jsonify({"data": {"conversationTag": {"conversation": {"id": conversation}, "errors": []}}})
