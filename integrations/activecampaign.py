"""ActiveCampaign API v3 client: read a contact (tags + mapped date fields), add tags, set dates.

Facts: ActiveCampaign's v3 API docs (the shapes the sandbox serves: docs/sandbox.md). Budget-conscious (5 req/s per ACCOUNT):
with warm caches, reading a customer is 1 call (contacts list with side-loads), adding a tag 1
call, setting a date 1 call. Tag id↔name and perstag→field id maps are cached per client; a tag id
the map does not know (created since it was loaded) costs one `GET /tags/{id}`, once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import requests

from integrations.errors import ApiClientError, ApiError, ApiNotFound, ApiProtocolError
from integrations.http import HttpSettings, JsonHttp, RequestHook
from integrations.ratelimit import RateLimiter

__all__ = ["AcConfigError", "AcContact", "ActiveCampaignClient"]

log = logging.getLogger(__name__)

VENDOR = "ac"
PAGE_LIMIT = 100  # AC's maximum page size
MAX_PAGES = 200
_DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[ T])")
_DATE_EXACT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTACT_TAG = "contact"  # tagType of the tags a contact carries ("template" tags belong to campaigns)


class AcConfigError(ApiClientError):
    """Our configuration does not match the account (unknown canonical field, perstag missing in
    AC, a date field that is not of type date). Permanent: fix the config / the AC account."""

    def __init__(self, message: str) -> None:
        super().__init__(VENDOR, None, message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,))


@dataclass(frozen=True)
class AcContact:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    tags: tuple[str, ...]  # tag names as stored in AC
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)  # canonical -> "YYYY-MM-DD" or raw
    field_value_ids: Mapping[str, str] = field(default_factory=dict, hash=False)  # canonical -> fieldValue id
    contact_tag_ids: Mapping[str, str] = field(default_factory=dict, hash=False)  # tag name -> contactTag id

    def has_tag(self, name: str) -> bool:
        wanted = name.strip().lower()
        return any(t.lower() == wanted for t in self.tags)


def _s(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _id_for_body(value: str) -> int | str:
    """POST /contactTags declares integer ids; AC hands ids out as numeric strings."""
    return int(value) if str(value).isdigit() else value


def normalise_date_value(value: Any) -> str | None:
    """'2021-05-02' / '2021-05-02 00:00:00' / '2021-05-02T00:00:00-05:00' → '2021-05-02'."""
    text = _s(value)
    if text is None:
        return None
    match = _DATE_PREFIX.match(text)
    return match.group(1) if match else text


def _tag_type(item: Mapping[str, Any]) -> str:
    """A tag's tagType ("contact" or "template"); a row without one is taken as a contact tag."""
    return (_s(item.get("tagType")) or CONTACT_TAG).lower()


def _is_duplicate_error(exc: ApiError) -> bool:
    body = exc.body
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list) and any(isinstance(e, Mapping) and e.get("code") == "duplicate" for e in errors):
            return True
    return "duplicate" in exc.message.lower()


class ActiveCampaignClient:
    """`base_url` is the account's API URL ("https://<acct>.api-us1.com"; "/api/3" is appended
    unless present). `field_map` maps canonical names to AC perstags, e.g.
    {"program_end_date": "PROGRAM_END_DATE"}. `date_fields` (default: all mapped fields) must be
    AC fields of type "date"; values are written as YYYY-MM-DD."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        field_map: Mapping[str, str],
        limiter: RateLimiter | None = None,
        settings: HttpSettings | None = None,
        on_request: RequestHook | None = None,
        session: requests.Session | None = None,
        date_fields: Collection[str] | None = None,
        tag_description: str = "",
    ) -> None:
        if not token:
            raise ValueError("ActiveCampaign token is empty")
        root = base_url.rstrip("/")
        if not root.endswith("/api/3"):
            root = f"{root}/api/3"
        self._http = JsonHttp(
            vendor=VENDOR,
            base_url=root,
            auth_headers={"Api-Token": token},
            secrets=(token,),
            settings=settings,
            limiter=limiter,
            on_request=on_request,
            session=session,
            rate_limit_statuses=(429, 503),  # AC has been seen answering 503 at the account limit
            status_messages={
                401: "ActiveCampaign rejected the API token (check AC_API_TOKEN and AC_BASE_URL)",
                403: "ActiveCampaign rejected the API token or its permissions (403 Forbidden; "
                "check AC_API_TOKEN and AC_BASE_URL)",
            },
        )
        self.field_map = {canonical: perstag.strip().strip("%").upper() for canonical, perstag in field_map.items()}
        self.date_fields = frozenset(self.field_map if date_fields is None else date_fields)
        self.tag_description = tag_description
        # id -> (tagType, name): every tag of the account we have seen (the full list, or one by one).
        self._tags_by_id: dict[str, tuple[str, str]] | None = None
        # (tagType, lower-case name) -> id; names are unique per tagType in AC ("Duplicate entry
        # 'contact-<name>' for key 'typetag'"), so a template tag never shadows a contact tag.
        self._tag_id_by_name: dict[tuple[str, str], str] = {}
        self._missing_tag_ids: set[str] = set()  # ids GET /tags/{id} answered 404 for (deleted since)
        self._fields: dict[str, tuple[str, str]] | None = None  # canonical -> (field id, type)

    # -- contacts --------------------------------------------------------------------------
    def get_contact(self, email: str) -> AcContact | None:
        """The contact with exactly this email (case-insensitive), or None."""
        wanted = email.strip().lower()
        data = self._http.request(
            "GET", "/contacts", params={"email": email.strip(), "include": "fieldValues,contactTags"}, route="/contacts"
        )
        contacts = data.get("contacts") if isinstance(data, Mapping) else None
        if not isinstance(contacts, list):
            raise ApiProtocolError(VENDOR, 200, "GET /contacts: no 'contacts' list in response", data)
        # AC ignores filters it does not understand and returns an unfiltered page: re-check.
        match = next(
            (c for c in contacts if isinstance(c, Mapping) and str(c.get("email", "")).strip().lower() == wanted), None
        )
        if match is None or _s(match.get("id")) is None:
            return None
        contact_id = str(match["id"])

        field_values = self._side_loaded(data, "fieldValues", contact_id)
        if field_values is None:
            field_values = self._list(
                f"/contacts/{contact_id}/fieldValues", "fieldValues", "/contacts/{id}/fieldValues"
            )
        contact_tags = self._side_loaded(data, "contactTags", contact_id)
        if contact_tags is None:
            contact_tags = self._list(
                f"/contacts/{contact_id}/contactTags", "contactTags", "/contacts/{id}/contactTags"
            )

        tags, contact_tag_ids = self._tag_names(contact_tags)
        fields, value_ids = self._mapped_fields(field_values)
        return AcContact(
            id=contact_id,
            email=str(match.get("email")).strip(),
            first_name=_s(match.get("firstName")),
            last_name=_s(match.get("lastName")),
            tags=tags,
            fields=fields,
            field_value_ids=value_ids,
            contact_tag_ids=contact_tag_ids,
        )

    # -- tags ------------------------------------------------------------------------------
    def ensure_tag(self, name: str) -> str:
        """The id of the contact tag with this exact name (case-insensitive); created if missing."""
        name = name.strip()
        if not name:
            raise ValueError("empty tag name")
        self._load_tags()
        key = (CONTACT_TAG, name.lower())
        if key in self._tag_id_by_name:
            return self._tag_id_by_name[key]
        found = self._search_tag(name)  # somebody may have created it since we loaded the map
        if found:
            return found
        payload = {"tag": {"tag": name, "tagType": "contact", "description": self.tag_description}}
        try:
            data = self._http.request("POST", "/tags", json=payload, route="/tags")
        except ApiClientError as exc:
            if not _is_duplicate_error(exc):
                raise
            data = None
        tag = data.get("tag") if isinstance(data, Mapping) else None
        if isinstance(tag, Mapping) and _s(tag.get("id")):
            self._remember_tag(str(tag["id"]), _tag_type(tag), str(tag.get("tag") or name))
            return str(tag["id"])
        # Duplicate (as an error status, or as {"message","error"} in a 2xx): created concurrently.
        self.refresh_tags()
        if key in self._tag_id_by_name:
            return self._tag_id_by_name[key]
        raise ApiProtocolError(VENDOR, 200, f"POST /tags: tag {name!r} neither created nor found", data)

    def add_tag(self, contact_id: str, tag_name: str) -> str:
        """Tag a contact (POST /contactTags); returns the contactTag (association) id."""
        tag_id = self.ensure_tag(tag_name)
        payload = {"contactTag": {"contact": _id_for_body(contact_id), "tag": _id_for_body(tag_id)}}
        data = self._http.request("POST", "/contactTags", json=payload, route="/contactTags")
        row = data.get("contactTag") if isinstance(data, Mapping) else None
        if not isinstance(row, Mapping):
            raise ApiProtocolError(VENDOR, 200, "POST /contactTags: no 'contactTag' in response", data)
        return _s(row.get("id")) or ""

    def remove_contact_tag(self, contact_tag_id: str) -> None:
        """Remove one contact↔tag association (the id from AcContact.contact_tag_ids)."""
        self._http.request("DELETE", f"/contactTags/{contact_tag_id}", route="/contactTags/{id}")

    def refresh_tags(self) -> None:
        """Reload the whole tag map (all pages)."""
        by_id: dict[str, tuple[str, str]] = {}
        for item in self._paged("/tags", "tags", "/tags", {}):
            if isinstance(item, Mapping) and _s(item.get("id")) and isinstance(item.get("tag"), str):
                by_id[str(item["id"])] = (_tag_type(item), item["tag"])
        by_name: dict[tuple[str, str], str] = {}
        for tag_id, (tag_type, name) in sorted(by_id.items(), key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0):
            by_name.setdefault((tag_type, name.strip().lower()), tag_id)  # oldest wins on case twins
        # Both maps replaced only when complete: another thread (the warm-up at worker start, the
        # threads pool) may read them meanwhile.
        self._tag_id_by_name, self._tags_by_id = by_name, by_id
        self._missing_tag_ids = set()

    def tag_by_id(self, tag_id: str) -> tuple[str, str] | None:
        """(tagType, name) of one tag: from the cache, else `GET /tags/{id}` once (cached, 404s too)."""
        self._load_tags()
        assert self._tags_by_id is not None
        if tag_id in self._tags_by_id:
            return self._tags_by_id[tag_id]
        if tag_id in self._missing_tag_ids or not tag_id.isdigit():
            return None
        try:
            data = self._http.request("GET", f"/tags/{tag_id}", route="/tags/{id}")
        except ApiNotFound:
            log.warning("AC tag id %s on a contact does not exist (any more); ignored", tag_id)
            self._missing_tag_ids.add(tag_id)
            return None
        tag = data.get("tag") if isinstance(data, Mapping) else None
        if not isinstance(tag, Mapping) or not isinstance(tag.get("tag"), str):
            raise ApiProtocolError(VENDOR, 200, "GET /tags/{id}: no 'tag' in response", data)
        self._remember_tag(tag_id, _tag_type(tag), tag["tag"])
        return self._tags_by_id[tag_id]

    # -- custom fields ---------------------------------------------------------------------
    def set_field(self, contact_id: str, canonical: str, value: str | date) -> str:
        """Upsert one custom field value (POST /fieldValues); returns the fieldValue id."""
        field_id, field_type = self._field(canonical)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            value = value.isoformat()
        value = str(value)
        if canonical in self.date_fields:
            if not _DATE_EXACT.match(value):
                raise ValueError(f"{canonical}: date must be YYYY-MM-DD, got {value!r}")
            if field_type != "date":
                raise AcConfigError(
                    f"AC field {self.field_map[canonical]} (id {field_id}) has type {field_type!r}, expected 'date'"
                )
        payload = {
            "fieldValue": {"contact": str(contact_id), "field": str(field_id), "value": value},
            "useDefaults": False,  # never let AC fill other required fields as a side effect
        }
        data = self._http.request("POST", "/fieldValues", json=payload, route="/fieldValues")
        row = data.get("fieldValue") if isinstance(data, Mapping) else None
        if not isinstance(row, Mapping):
            raise ApiProtocolError(VENDOR, 200, "POST /fieldValues: no 'fieldValue' in response", data)
        return _s(row.get("id")) or ""

    def field_ids(self) -> dict[str, str]:
        """canonical -> AC field id for every mapped field that exists in the account."""
        self._load_fields()
        assert self._fields is not None
        return {canonical: field_id for canonical, (field_id, _) in self._fields.items()}

    def warm_up(self) -> None:
        """Load the tag and field maps now (e.g. at worker start) instead of on first use."""
        self._load_tags()
        self._load_fields()

    # -- internals -------------------------------------------------------------------------
    def _paged(self, path: str, key: str, route: str, params: Mapping[str, Any]) -> Iterator[Any]:
        offset = 0
        for _ in range(MAX_PAGES):
            data = self._http.request(
                "GET", path, params={**params, "limit": PAGE_LIMIT, "offset": offset}, route=route
            )
            items = data.get(key) if isinstance(data, Mapping) else None
            if not isinstance(items, list):
                raise ApiProtocolError(VENDOR, 200, f"GET {route}: no '{key}' list in response", data)
            yield from items
            offset += len(items)
            total = data.get("meta", {}).get("total") if isinstance(data.get("meta"), Mapping) else None
            total_n = int(total) if total is not None and str(total).isdigit() else None
            if len(items) < PAGE_LIMIT or (total_n is not None and offset >= total_n):
                return

    def _list(self, path: str, key: str, route: str) -> list[Any]:
        data = self._http.request("GET", path, route=route)
        items = data.get(key) if isinstance(data, Mapping) else None
        if not isinstance(items, list):
            raise ApiProtocolError(VENDOR, 200, f"GET {route}: no '{key}' list in response", data)
        return items

    @staticmethod
    def _side_loaded(data: Mapping[str, Any], key: str, contact_id: str) -> list[Any] | None:
        """Rows of a side-loaded collection for one contact; None if AC did not side-load it."""
        rows = data.get(key)
        if not isinstance(rows, list):
            return None
        return [r for r in rows if isinstance(r, Mapping) and str(r.get("contact")) == contact_id]

    def _load_tags(self) -> None:
        if self._tags_by_id is None:
            self.refresh_tags()

    def _remember_tag(self, tag_id: str, tag_type: str, name: str) -> None:
        if self._tags_by_id is None:
            self._tags_by_id = {}
        self._tags_by_id[tag_id] = (tag_type, name)
        self._tag_id_by_name.setdefault((tag_type, name.strip().lower()), tag_id)

    def _search_tag(self, name: str) -> str | None:
        key = name.lower()
        for item in self._paged("/tags", "tags", "/tags?search", {"search": name}):
            # `search` is a substring match (and may be ignored): compare exactly ourselves, and
            # only contact tags count (a template tag of the same name is another tag).
            if (
                isinstance(item, Mapping)
                and str(item.get("tag", "")).strip().lower() == key
                and _s(item.get("id"))
                and _tag_type(item) == CONTACT_TAG
            ):
                self._remember_tag(str(item["id"]), CONTACT_TAG, str(item["tag"]))
                return str(item["id"])
        return None

    def _tag_names(self, rows: list[Any]) -> tuple[tuple[str, ...], dict[str, str]]:
        pairs = [(str(r.get("tag")), _s(r.get("id")) or "") for r in rows if isinstance(r, Mapping) and r.get("tag")]
        if not pairs:
            return (), {}
        names: list[str] = []
        association: dict[str, str] = {}
        for tag_id, row_id in pairs:
            # A tag created since the map was loaded (by anybody) is looked up alone and cached:
            # one call once, not a reload of every tag page on every read of such a contact.
            found = self.tag_by_id(tag_id)
            if found is None:
                continue  # deleted since (tag_by_id warned once)
            tag_type, name = found
            if tag_type != CONTACT_TAG:
                log.debug("AC tag id %s on a contact is a %s tag, not a contact tag; ignored", tag_id, tag_type)
                continue
            if name not in association:
                names.append(name)
                association[name] = row_id
        return tuple(names), association

    def _load_fields(self) -> None:
        if self._fields is not None:
            return
        by_perstag: dict[str, tuple[str, str]] = {}
        for item in self._paged("/fields", "fields", "/fields", {}):
            if isinstance(item, Mapping) and _s(item.get("perstag")) and _s(item.get("id")):
                perstag = str(item["perstag"]).strip().strip("%").upper()
                by_perstag[perstag] = (str(item["id"]), str(item.get("type") or "").lower())
        resolved: dict[str, tuple[str, str]] = {}
        for canonical, perstag in self.field_map.items():
            if perstag in by_perstag:
                resolved[canonical] = by_perstag[perstag]
            else:
                log.warning("AC custom field with perstag %s (%s) not found in the account", perstag, canonical)
        self._fields = resolved

    def _field(self, canonical: str) -> tuple[str, str]:
        if canonical not in self.field_map:
            raise AcConfigError(f"no AC field mapped for {canonical!r}")
        self._load_fields()
        assert self._fields is not None
        if canonical not in self._fields:
            self._fields = None  # maybe created since: reload once
            self._load_fields()
            assert self._fields is not None
        if canonical not in self._fields:
            raise AcConfigError(f"AC custom field with perstag {self.field_map[canonical]} does not exist")
        return self._fields[canonical]

    def _mapped_fields(self, rows: list[Any]) -> tuple[dict[str, str], dict[str, str]]:
        if not self.field_map:
            return {}, {}
        self._load_fields()
        assert self._fields is not None
        canonical_by_id = {field_id: canonical for canonical, (field_id, _) in self._fields.items()}
        values: dict[str, str] = {}
        value_ids: dict[str, str] = {}
        for row in rows:
            if not isinstance(row, Mapping):
                continue
            canonical = canonical_by_id.get(str(row.get("field")))
            if canonical is None:
                continue
            if _s(row.get("id")):
                value_ids[canonical] = str(row["id"])
            raw = row.get("value")
            value = normalise_date_value(raw) if canonical in self.date_fields else _s(raw)
            if value is not None:
                values[canonical] = value
        return values, value_ids
