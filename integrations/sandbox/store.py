"""In-memory, thread-safe state of the sandbox (Groove tickets/messages, AC contacts/tags/fields).

Every public method takes the one lock; route handlers call `with store.lock:` around
multi-step reads/writes. Shapes of the stored rows follow the vendors' documented objects.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

DEFAULT_AGENT = "agent@sandbox.invalid"
REQUEST_LOG_LIMIT = 100_000
# The primary mailbox every account has (Groove: "If omitted, defaults to the primary mailbox").
PRIMARY_MAILBOX = {"name": "Inbox", "email": "support@sandbox.invalid"}

# Used when neither the seed nor the policy pack provide AC custom fields.
_FALLBACK_AC_FIELDS = (
    "PROGRAM_PURCHASE_DATE",
    "PROGRAM_END_DATE",
    "CLUB_START_DATE",
    "COACH_ROUND_START",
    "COACH_END_DATE",
    "PRO_END_DATE",
)


def default_ac_field_perstags() -> list[str]:
    """The perstags of policies/pack/packs/goodwill.toml [ac_fields] (what the worker will look up)."""
    try:
        from policies.pack.loader import load_pack

        perstags = list(dict.fromkeys(load_pack("goodwill").ac_fields.values()))
        return perstags or list(_FALLBACK_AC_FIELDS)
    except Exception:  # the sandbox must start even if the pack is broken or absent
        return list(_FALLBACK_AC_FIELDS)


def default_mailboxes() -> list[dict[str, str]]:
    """The primary "Inbox" and the fair-use pack's task mailbox (named like its team, e-mail or id
    from policies/pack/packs/fair-use.toml [tasks] mailbox): what a worker with the built-in packs
    checks at start-up."""
    boxes = [dict(PRIMARY_MAILBOX)]
    try:
        from policies.pack.loader import load_pack
        from policies.pack.params import param

        pack = load_pack("fair-use")
        ref = str(param(pack, "tasks.mailbox")).strip()
        box = {"name": str(param(pack, "texts.team"))}
        box["email" if "@" in ref else "id"] = ref
        boxes.append(box)
    except Exception:  # the sandbox must start even if the pack is broken or absent
        pass
    return boxes


def attachment_record(spec: Any) -> dict[str, Any]:
    """A seed's attachment ("attest.pdf" or {"filename", "size"?, "content_type"?}) as stored."""
    if isinstance(spec, Mapping):
        name = str(spec.get("filename") or spec.get("name") or "")
        record: dict[str, Any] = {"filename": name, "size": int(spec.get("size") or 1000 + 37 * len(name))}
        if spec.get("content_type"):
            record["content_type"] = str(spec["content_type"])
        return record
    name = str(spec)
    return {"filename": name, "size": 1000 + 37 * len(name)}  # a stable made-up size


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ac_now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _plain(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html or "")).strip()


class SandboxStore:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_LIMIT)
        self.reset()

    # -- lifecycle -----------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.agents: set[str] = {DEFAULT_AGENT}
            self.mailboxes: dict[str, dict[str, Any]] = {}  # id -> {"id", "name", "email"}
            self.tickets: dict[int, dict[str, Any]] = {}
            self.messages: dict[int, list[dict[str, Any]]] = {}
            self.customers: dict[str, dict[str, Any]] = {}
            self.groove_tags: dict[str, str] = {}  # GraphQL tag id -> name
            self.contacts: dict[str, dict[str, Any]] = {}
            self.tags: dict[str, dict[str, Any]] = {}
            self.contact_tags: dict[str, dict[str, Any]] = {}
            self.fields: dict[str, dict[str, Any]] = {}
            self.field_values: dict[str, dict[str, Any]] = {}
            self._ids = itertools.count(1)
            self._message_ids = itertools.count(4_000_000_001)
            self._mailbox_ids = itertools.count(5_063_661_921)  # 10-digit v1 ids like the webhook's mailbox_id
            self.requests.clear()
            for box in default_mailboxes():
                self.upsert_mailbox(box)

    def next_id(self) -> str:
        return str(next(self._ids))

    # -- seeding -------------------------------------------------------------------------------
    def seed(self, data: Mapping[str, Any] | None) -> None:
        """Load / merge a seed (format in docs/sandbox.md)."""
        data = data or {}
        with self.lock:
            groove = data.get("groove") or {}
            for agent in groove.get("agents") or []:
                self.agents.add(str(agent).lower())
            for box in groove.get("mailboxes") or []:
                self.upsert_mailbox(box)
            for customer in groove.get("customers") or []:
                self.upsert_customer(customer)
            for ticket in groove.get("tickets") or []:
                self.seed_ticket(ticket)
            ac = data.get("ac") or {}
            fields = ac.get("fields")
            if fields:
                for spec in fields:
                    if isinstance(spec, str):
                        spec = {"perstag": spec}
                    self.upsert_field(spec)
            elif not self.fields:
                for perstag in default_ac_field_perstags():
                    self.upsert_field({"perstag": perstag, "type": "date"})
            for name in ac.get("tags") or []:
                self.find_or_create_tag(str(name))
            for contact in ac.get("contacts") or []:
                self.seed_contact(contact)

    def upsert_customer(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        email = str(spec["email"]).strip().lower()
        customer = self.customers.setdefault(email, {"email": email})
        for key in ("name", "first_name", "last_name", "company_name", "about", "phone_number", "location"):
            if spec.get(key) is not None:
                customer[key] = spec[key]
        customer.setdefault("custom", {})
        return customer

    def seed_ticket(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        number = int(spec.get("number") or (max(self.tickets, default=100) + 1))
        customer_email = str(spec.get("customer_email") or "kunde@example.com").strip().lower()
        self.upsert_customer({"email": customer_email, "name": spec.get("customer_name")})
        created = str(spec.get("created_at") or now_iso())
        # A seed names the mailbox by name, e-mail or id; a name the account lacks is added (seeds are short).
        mailbox = self.find_mailbox(spec.get("mailbox") or PRIMARY_MAILBOX["name"]) or self.upsert_mailbox(
            {"name": str(spec.get("mailbox"))}
        )
        ticket = {
            "number": number,
            "title": str(spec.get("subject") or spec.get("title") or ""),
            "state": str(spec.get("state") or "unread"),
            "priority": spec.get("priority"),
            "assignee": spec.get("assignee"),
            "mailbox": mailbox["name"],
            "mailbox_id": mailbox["id"],
            "tags": [str(t) for t in spec.get("tags") or []],
            "customer_email": customer_email,
            "customer_name": spec.get("customer_name") or self.customers[customer_email].get("name"),
            "created_at": created,
            "updated_at": created,
        }
        self.tickets[number] = ticket
        self.messages[number] = []
        for message in spec.get("messages") or []:
            author = str(message.get("author") or "customer")
            self.add_message(
                number,
                body=str(message.get("body") or ""),
                author_email=customer_email
                if author == "customer"
                else (DEFAULT_AGENT if author == "agent" else author),
                note=bool(message.get("note", False)),
                created_at=message.get("created_at"),
                attachments=message.get("attachments") or [],
            )
        return ticket

    def seed_contact(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        contact = self.find_contact_by_email(str(spec["email"]))
        if contact is None:
            contact = self.create_contact(str(spec["email"]))
        for key in ("firstName", "lastName", "phone"):
            if spec.get(key) is not None:
                contact[key] = spec[key]
        for name in spec.get("tags") or []:
            self.add_contact_tag(contact["id"], self.find_or_create_tag(str(name))["id"])
        for perstag, value in (spec.get("fields") or {}).items():
            field = self.field_by_perstag(perstag) or self.upsert_field({"perstag": perstag, "type": "date"})
            self.set_field_value(contact["id"], field["id"], "" if value is None else str(value))
        return contact

    # -- Groove ----------------------------------------------------------------------------------
    def find_mailbox(self, ref: Any) -> dict[str, Any] | None:
        """The mailbox with this id, e-mail or name (case-insensitive)."""
        wanted = str(ref).strip().casefold() if ref is not None else ""
        if not wanted:
            return None
        for key in ("id", "email", "name"):
            for box in self.mailboxes.values():
                if str(box.get(key) or "").casefold() == wanted:
                    return box
        return None

    def find_mailbox_by_address(self, ref: Any) -> dict[str, Any] | None:
        """What POST /v1/tickets accepts as `mailbox`: "The email or ID of the mailbox" (not its name)."""
        box = self.find_mailbox(ref)
        wanted = str(ref).strip().casefold()
        if box is None or wanted not in (str(box["id"]).casefold(), str(box.get("email") or "").casefold()):
            return None
        return box

    def upsert_mailbox(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        box = None
        for key in ("id", "email", "name"):
            if spec.get(key):
                box = next(
                    (
                        b
                        for b in self.mailboxes.values()
                        if str(b.get(key) or "").casefold() == str(spec[key]).casefold()
                    ),
                    None,
                )
                if box is not None:
                    break
        if box is None:
            box_id = str(spec.get("id") or next(self._mailbox_ids))
            name = str(spec.get("name") or spec.get("email") or box_id)
            slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or box_id
            box = {"id": box_id, "name": name, "email": f"{slug}@sandbox.invalid"}
            self.mailboxes[box_id] = box
        for key in ("name", "email"):
            if spec.get(key):
                box[key] = str(spec[key]).lower() if key == "email" else str(spec[key])
        return box

    def is_agent(self, email: str | None) -> bool:
        return bool(email) and str(email).lower() in self.agents

    def add_message(
        self,
        number: int,
        *,
        body: str,
        author_email: str,
        note: bool = False,
        created_at: str | None = None,
        attachments: Iterable[Any] = (),
    ) -> dict[str, Any]:
        author_email = author_email.lower()
        ticket = self.tickets[number]
        kind = "customer" if author_email == ticket["customer_email"] and not self.is_agent(author_email) else "agent"
        created = str(created_at or now_iso())
        files = [attachment_record(a) for a in attachments]
        message = {
            "id": str(next(self._message_ids)),
            "ticket_number": number,
            "created_at": created,
            "note": bool(note),
            "body": body,
            "plain_text_body": _plain(body),
            "author_kind": kind,
            "author_email": author_email,
            "attachments": files,
        }
        self.messages.setdefault(number, []).append(message)
        ticket["updated_at"] = created
        return message

    # -- AC ----------------------------------------------------------------------------------------
    def find_contact_by_email(self, email: str) -> dict[str, Any] | None:
        wanted = email.strip().lower()
        return next((c for c in self.contacts.values() if c["email"].lower() == wanted), None)

    def create_contact(self, email: str) -> dict[str, Any]:
        cid = self.next_id()
        stamp = ac_now()
        contact = {
            "id": cid,
            "email": email.strip(),
            "firstName": "",
            "lastName": "",
            "phone": "",
            "cdate": stamp,
            "udate": stamp,
        }
        self.contacts[cid] = contact
        return contact

    def find_tag(self, name: str, tag_type: str = "contact") -> dict[str, Any] | None:
        wanted = name.strip().lower()
        return next((t for t in self.tags.values() if t["tag"].lower() == wanted and t["tagType"] == tag_type), None)

    def create_tag(self, name: str, tag_type: str = "contact", description: str = "") -> dict[str, Any]:
        tid = self.next_id()
        tag = {"tagType": tag_type, "tag": name, "description": description, "cdate": ac_now(), "id": tid}
        self.tags[tid] = tag
        return tag

    def find_or_create_tag(self, name: str) -> dict[str, Any]:
        return self.find_tag(name) or self.create_tag(name)

    def add_contact_tag(self, contact_id: str, tag_id: str) -> tuple[dict[str, Any], bool]:
        for row in self.contact_tags.values():
            if row["contact"] == contact_id and row["tag"] == tag_id:
                return row, False
        rid = self.next_id()
        row = {"contact": contact_id, "tag": tag_id, "cdate": ac_now(), "id": rid}
        self.contact_tags[rid] = row
        return row, True

    def field_by_perstag(self, perstag: str) -> dict[str, Any] | None:
        wanted = perstag.strip().strip("%").upper()
        return next((f for f in self.fields.values() if f["perstag"] == wanted), None)

    def upsert_field(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        perstag = str(spec["perstag"]).strip().strip("%").upper()
        field = self.field_by_perstag(perstag)
        if field is None:
            fid = self.next_id()
            stamp = ac_now()
            field = {
                "title": "",
                "descript": None,
                "type": "date",
                "isrequired": "0",
                "perstag": perstag,
                "defval": None,
                "visible": "1",
                "ordernum": fid,
                "cdate": stamp,
                "udate": stamp,
                "options": [],
                "relations": [],
                "id": fid,
            }
            self.fields[fid] = field
        field["title"] = str(spec.get("title") or field["title"] or perstag.replace("_", " ").title())
        field["type"] = str(spec.get("type") or field["type"])
        return field

    def set_field_value(self, contact_id: str, field_id: str, value: str) -> dict[str, Any]:
        """Upsert by (contact, field), like AC's POST /fieldValues (same id, new udate)."""
        stamp = ac_now()
        for row in self.field_values.values():
            if row["contact"] == contact_id and row["field"] == field_id:
                row["value"], row["udate"] = value, stamp
                return row
        rid = self.next_id()
        row = {
            "contact": contact_id,
            "field": field_id,
            "value": value,
            "cdate": stamp,
            "udate": stamp,
            "id": rid,
            "owner": contact_id,
        }
        self.field_values[rid] = row
        return row

    # -- admin view ----------------------------------------------------------------------------------
    def record_request(
        self, vendor: str, method: str, path: str, status: int, at: float, *, in_retry_after: float | None = None
    ) -> None:
        """`in_retry_after`: the request came while the vendor's account was paused by a 429's
        Retry-After, this many seconds after that 429 (a client honouring Retry-After sends none)."""
        row: dict[str, Any] = {"at": at, "vendor": vendor, "method": method, "path": path, "status": status}
        if in_retry_after is not None:
            row["in_retry_after"] = round(in_retry_after, 4)
        self.requests.append(row)

    def snapshot(self, since: float | None = None) -> dict[str, Any]:
        with self.lock:
            notes = {
                str(number): [m["body"] for m in messages if m["note"]]
                for number, messages in sorted(self.messages.items())
                if any(m["note"] for m in messages)
            }
            tickets = {
                str(number): {
                    "subject": t["title"],
                    "state": t["state"],
                    "customer_email": t["customer_email"],
                    "tags": list(t["tags"]),
                    "message_count": len(self.messages.get(number, [])),
                }
                for number, t in sorted(self.tickets.items())
            }
            contacts: dict[str, Any] = {}
            for contact in sorted(self.contacts.values(), key=lambda c: int(c["id"])):
                tag_names = [
                    self.tags[r["tag"]]["tag"]
                    for r in self.contact_tags.values()
                    if r["contact"] == contact["id"] and r["tag"] in self.tags
                ]
                fields = {
                    self.fields[r["field"]]["perstag"]: r["value"]
                    for r in self.field_values.values()
                    if r["contact"] == contact["id"] and r["field"] in self.fields
                }
                contacts[contact["email"]] = {"id": contact["id"], "tags": tag_names, "fields": fields}
            requests = [dict(r) for r in self.requests if since is None or r["at"] >= since]
        return {
            "groove": {"notes": notes, "tickets": tickets},
            "ac": {
                "contacts": contacts,
                "tags": sorted(t["tag"] for t in self.tags.values()),
                "fields": sorted(f["perstag"] for f in self.fields.values()),
            },
            "requests": requests,
        }


def unix_now() -> float:
    return time.time()
