"""Webhook bodies the sandbox hands to tests/demo: shaped like Groove's real ones (docs/sandbox.md:
the bare Ticket / Message object, http:// links, `number` but no ticket id)."""

from __future__ import annotations

from typing import Any

from integrations.sandbox.groove_api import message_json, ticket_json
from integrations.sandbox.store import SandboxStore


def _root(host_url: str) -> str:
    return host_url.rstrip("/") + "/groove/v1"


def ticket_webhook(store: SandboxStore, ticket: dict[str, Any], host_url: str) -> dict[str, Any]:
    data = ticket_json(store, ticket, _root(host_url))
    messages = store.messages.get(ticket["number"], [])
    last = messages[-1]["plain_text_body"] if messages else ""
    data.update(
        last_message=last,
        last_message_plain_text=last,
        type="Email",
        tag_ids=[],
        attachment_count=sum(len(m["attachments"]) for m in messages),
        app_url=f"{host_url.rstrip('/')}/groove_client/tickets/{ticket['number']}",
    )
    return data


def message_webhook(store: SandboxStore, message: dict[str, Any], host_url: str) -> dict[str, Any]:
    data = message_json(message, _root(host_url), with_id=True, inline=True)
    data.update(agent_response=message["author_kind"] == "agent", type=None, deliver_by=None)
    return data
