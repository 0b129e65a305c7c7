"""ActiveCampaign v3 endpoints the worker uses, with the documented response and error shapes
(AC's v3 API docs and their examples; docs/sandbox.md). Like the real API, unknown query parameters
are silently ignored — a client that misspells `email` gets an unfiltered list."""

from __future__ import annotations

import re
from typing import Any, cast

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from integrations.sandbox.store import SandboxStore, ac_now

bp = Blueprint("ac", __name__, url_prefix="/ac/api/3")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DUPLICATE_TAG_STATUS = 422  # the real status is undocumented (body from verbb/formie #1389)


def _store() -> SandboxStore:
    return cast(SandboxStore, current_app.config["SANDBOX_STORE"])


def _root() -> str:
    return request.host_url.rstrip("/") + "/ac/api/3"


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True, force=True)
    return body if isinstance(body, dict) else {}


def _no_result(kind: str, ident: str) -> tuple[Response, int]:
    return jsonify({"message": f"No Result found for {kind} with id {ident}"}), 404


def _page(items: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    try:
        limit = min(100, max(1, int(request.args.get("limit", 20))))
        offset = max(0, int(request.args.get("offset", 0)))
    except ValueError:
        limit, offset = 20, 0
    return items[offset : offset + limit], {"total": str(len(items)), "page_input": {"limit": limit, "offset": offset}}


def _contact_json(store: SandboxStore, contact: dict[str, Any], root: str) -> dict[str, Any]:
    cid = contact["id"]
    links = {name: f"{root}/contacts/{cid}/{name}" for name in ("contactTags", "fieldValues", "contactLists", "notes")}
    return {**contact, "links": links, "deleted": "0", "anonymized": "0"}


def _contact_tag_json(row: dict[str, Any], root: str) -> dict[str, Any]:
    return {
        **row,
        "links": {"tag": f"{root}/contactTags/{row['id']}/tag", "contact": f"{root}/contactTags/{row['id']}/contact"},
    }


def _field_value_json(row: dict[str, Any], root: str) -> dict[str, Any]:
    return {
        **row,
        "links": {"owner": f"{root}/fieldValues/{row['id']}/owner", "field": f"{root}/fieldValues/{row['id']}/field"},
    }


def _tag_json(tag: dict[str, Any], root: str) -> dict[str, Any]:
    return {**tag, "links": {"contactGoalTags": f"{root}/tags/{tag['id']}/contactGoalTags"}}


def _rows_for(table: dict[str, dict[str, Any]], contact_id: str) -> list[dict[str, Any]]:
    return [r for r in table.values() if r["contact"] == contact_id]


@bp.get("/contacts")
def list_contacts() -> ResponseReturnValue:
    store = _store()
    root = _root()
    includes = {part.strip() for part in (request.args.get("include") or "").split(",") if part.strip()}
    with store.lock:
        contacts = sorted(store.contacts.values(), key=lambda c: int(c["id"]))
        if "email" in request.args:
            wanted = request.args["email"].strip().lower()
            contacts = [c for c in contacts if c["email"].lower() == wanted]
        chunk, meta = _page(contacts)
        payload: dict[str, Any] = {"scoreValues": []}
        out = []
        for contact in chunk:
            data = _contact_json(store, contact, root)
            if "contactTags" in includes:
                data["contactTags"] = [r["id"] for r in _rows_for(store.contact_tags, contact["id"])]
            if "fieldValues" in includes:
                data["fieldValues"] = [r["id"] for r in _rows_for(store.field_values, contact["id"])]
            out.append(data)
        # Side-loads: related collections next to `contacts` (developers.activecampaign.com/reference/sideloading).
        if "contactTags" in includes:
            payload["contactTags"] = [
                _contact_tag_json(r, root) for c in chunk for r in _rows_for(store.contact_tags, c["id"])
            ]
        if "fieldValues" in includes:
            payload["fieldValues"] = [
                _field_value_json(r, root) for c in chunk for r in _rows_for(store.field_values, c["id"])
            ]
        payload["contacts"] = out
        payload["meta"] = meta
    return jsonify(payload)


@bp.get("/contacts/<cid>")
def get_contact(cid: str) -> ResponseReturnValue:
    store = _store()
    with store.lock:
        contact = store.contacts.get(cid)
        if contact is None:
            return _no_result("Subscriber", cid)
        root = _root()
        values = [_field_value_json(r, root) for r in _rows_for(store.field_values, cid)]
        return jsonify(
            {
                "fieldValues": values,
                "contact": {**_contact_json(store, contact, root), "fieldValues": [v["id"] for v in values]},
            }
        )


@bp.get("/contacts/<cid>/contactTags")
def contact_tags(cid: str) -> ResponseReturnValue:
    store = _store()
    with store.lock:
        if cid not in store.contacts:
            return _no_result("Subscriber", cid)
        return jsonify({"contactTags": [_contact_tag_json(r, _root()) for r in _rows_for(store.contact_tags, cid)]})


@bp.get("/contacts/<cid>/fieldValues")
def contact_field_values(cid: str) -> ResponseReturnValue:
    store = _store()
    with store.lock:
        if cid not in store.contacts:
            return _no_result("Subscriber", cid)
        return jsonify({"fieldValues": [_field_value_json(r, _root()) for r in _rows_for(store.field_values, cid)]})


@bp.get("/tags")
def list_tags() -> ResponseReturnValue:
    store = _store()
    search = (request.args.get("search") or request.args.get("filters[search][contains]") or "").strip().lower()
    exact = (request.args.get("filters[search][eq]") or "").strip().lower()
    with store.lock:
        tags = sorted(store.tags.values(), key=lambda t: int(t["id"]))
        if search:
            tags = [t for t in tags if search in t["tag"].lower()]
        if exact:
            tags = [t for t in tags if t["tag"].lower() == exact]
        chunk, meta = _page(tags)
        return jsonify({"tags": [_tag_json(t, _root()) for t in chunk], "meta": {"total": meta["total"]}})


@bp.get("/tags/<tid>")
def get_tag(tid: str) -> ResponseReturnValue:
    """`{"tag": {...}}` (the documented GET /tags/{id} example) or 404 `No Result found for Tag with id …`."""
    store = _store()
    with store.lock:
        tag = store.tags.get(tid)
        if tag is None:
            return _no_result("Tag", tid)
        count = sum(1 for r in store.contact_tags.values() if r["tag"] == tid)
        return jsonify({"tag": {**_tag_json(tag, _root()), "subscriber_count": str(count)}})


@bp.post("/tags")
def create_tag() -> ResponseReturnValue:
    store = _store()
    spec = _body().get("tag") or {}
    name = str(spec.get("tag") or "").strip()
    tag_type = str(spec.get("tagType") or "contact")
    if not name:
        return jsonify({"errors": [{"title": "Missing attribute", "source": {"pointer": "/data/attributes/tag"}}]}), 422
    with store.lock:
        if store.find_tag(name, tag_type):
            body = {
                "message": "Could not process request",
                "error": f"Duplicate entry '{tag_type}-{name}' for key 'typetag'",
            }
            return jsonify(body), DUPLICATE_TAG_STATUS
        tag = store.create_tag(name, tag_type, str(spec.get("description") or ""))
        return jsonify({"tag": _tag_json(tag, _root())}), 201


@bp.post("/contactTags")
def create_contact_tag() -> ResponseReturnValue:
    store = _store()
    spec = _body().get("contactTag") or {}
    for key in ("contact", "tag"):
        if spec.get(key) in (None, ""):
            return jsonify(
                {
                    "errors": [
                        {"status": 422, "title": "Missing attribute", "source": {"pointer": f"/data/attributes/{key}"}}
                    ]
                }
            ), 422
    cid, tid = str(spec["contact"]), str(spec["tag"])
    with store.lock:
        if cid not in store.contacts:
            return jsonify({"errors": [{"status": 404, "title": "Not Found", "detail": "Contact not found"}]}), 404
        if tid not in store.tags:
            return jsonify({"errors": [{"status": 404, "title": "Not Found", "detail": "Tag not found"}]}), 404
        row, _created = store.add_contact_tag(cid, tid)  # re-adding returns the existing association
        return jsonify(
            {"contactTag": {**row, "links": {"contact": f"/{row['id']}/contact", "tag": f"/{row['id']}/tag"}}}
        ), 201


@bp.delete("/contactTags/<rid>")
def delete_contact_tag(rid: str) -> ResponseReturnValue:
    store = _store()
    with store.lock:
        if store.contact_tags.pop(rid, None) is None:
            return _no_result("SubscriberTag", rid)
    return jsonify({})


@bp.get("/fields")
def list_fields() -> ResponseReturnValue:
    store = _store()
    perstag = (request.args.get("filters[perstag]") or "").strip().upper()
    with store.lock:
        fields = sorted(store.fields.values(), key=lambda f: int(f["id"]))
        if perstag:
            fields = [f for f in fields if f["perstag"] == perstag]
        chunk, meta = _page(fields)
        root = _root()
        out = [
            {
                **f,
                "links": {
                    "options": f"{root}/fields/{f['id']}/options",
                    "relations": f"{root}/fields/{f['id']}/relations",
                },
            }
            for f in chunk
        ]
        return jsonify({"fieldOptions": [], "fieldRels": [], "fields": out, "meta": {"total": meta["total"]}})


def _write_field_value() -> ResponseReturnValue:
    store = _store()
    spec = _body().get("fieldValue") or {}
    for key in ("contact", "field", "value"):
        if key not in spec or spec[key] is None:
            return jsonify(
                {
                    "errors": [
                        {"title": f"The {key} was not provided.", "source": {"pointer": f"/data/attributes/{key}"}}
                    ]
                }
            ), 422
    cid, fid, value = str(spec["contact"]), str(spec["field"]), str(spec["value"])
    with store.lock:
        if cid not in store.contacts:
            return _no_result("Subscriber", cid)
        field = store.fields.get(fid)
        if field is None:
            return jsonify({"errors": [{"title": "Field id not valid", "detail": f"No field with id {fid}"}]}), 422
        if field["type"] == "date" and value and not _DATE.match(value):
            return jsonify({"errors": [{"title": "Invalid date", "detail": "Date fields take YYYY-MM-DD"}]}), 422
        row = store.set_field_value(cid, fid, value)
        store.contacts[cid]["udate"] = ac_now()
        root = _root()
        return jsonify(
            {"contacts": [_contact_json(store, store.contacts[cid], root)], "fieldValue": _field_value_json(row, root)}
        )


@bp.post("/fieldValues")
def create_field_value() -> ResponseReturnValue:
    return _write_field_value()


@bp.put("/fieldValues/<rid>")
def update_field_value(rid: str) -> ResponseReturnValue:
    # The recorded real PUT wrote the contact+field pair of the body, whatever the path id said.
    return _write_field_value()
