from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import responses
from responses import matchers
from vendor_testkit import FAST, FIXTURES, load_fixture

from integrations.activecampaign import AcConfigError, ActiveCampaignClient
from integrations.errors import ApiClientError, ApiNotFound, ApiRateLimited, ApiUnauthorized
from tests.conftest import missing_service

TOKEN = "ac-token-0123456789abcdef"
API = "https://intumind.api-us1.com/api/3"
FIELD_MAP = {
    "program_purchase_date": "PROGRAM_PURCHASE_DATE",
    "program_end_date": "PROGRAM_END_DATE",
    "club_start_date": "CLUB_START_DATE",
    "coach_round_start": "COACH_ROUND_START",
    "coach_end_date": "COACH_END_DATE",
    "pro_end_date": "PRO_END_DATE",
}
SCHEMAS = FIXTURES / "activecampaign" / "schemas"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.request.schema.json").read_text())


def client(limiter=None, **kw) -> ActiveCampaignClient:
    return ActiveCampaignClient(
        base_url="https://intumind.api-us1.com", token=TOKEN, field_map=FIELD_MAP, limiter=limiter, settings=FAST, **kw
    )


def register_maps() -> None:
    responses.get(f"{API}/tags", json=load_fixture("activecampaign", "tags_list.GET.200.json"))
    responses.get(
        f"{API}/fields", json=load_fixture("activecampaign", "constructed__fields_list_goodwill.GET.200.json")
    )


def warm(c: ActiveCampaignClient) -> ActiveCampaignClient:
    register_maps()
    c.warm_up()
    responses.calls.reset()
    return c


def paths() -> list[str]:
    return [f"{c.request.method} {c.request.path_url.split('?')[0].removeprefix('/api/3')}" for c in responses.calls]


# -- reading a contact --------------------------------------------------------------------------
@responses.activate
def test_with_warm_caches_reading_a_contact_costs_exactly_one_call(limiter):
    c = warm(client(limiter))
    responses.get(
        f"{API}/contacts",
        match=[
            matchers.query_param_matcher({"email": "adam@activecampaign.com", "include": "fieldValues,contactTags"})
        ],
        json=load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json"),
    )
    contact = c.get_contact("adam@activecampaign.com")
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["Api-Token"] == TOKEN
    assert contact.id == "5"
    assert contact.tags == ("one", "three")
    assert contact.contact_tag_ids == {"one": "112479", "three": "112476"}
    # field 7 (club_start_date here) holds "Director" in the doc example: non-dates stay raw
    assert contact.fields == {"program_purchase_date": "2021-05-02", "club_start_date": "Director"}
    assert contact.field_value_ids == {"program_purchase_date": "5", "club_start_date": "6"}
    assert contact.has_tag("ONE") and not contact.has_tag("two")


@responses.activate
def test_a_cold_client_loads_the_tag_and_field_maps_once():
    register_maps()
    responses.get(
        f"{API}/contacts", json=load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json")
    )
    c = client()
    c.get_contact("adam@activecampaign.com")
    c.get_contact("adam@activecampaign.com")
    assert sorted(paths()) == ["GET /contacts", "GET /contacts", "GET /fields", "GET /tags"]


@responses.activate
def test_without_side_loads_the_client_falls_back_to_the_contact_sub_resources():
    c = warm(client())
    # the documented list example: six contacts, no side-loads (what an ignored filter returns)
    responses.get(f"{API}/contacts", json=load_fixture("activecampaign", "contacts_list.GET.200.json"))
    responses.get(
        f"{API}/contacts/5/fieldValues", json=load_fixture("activecampaign", "contact_fieldValues.GET.200.json")
    )
    tags = load_fixture("activecampaign", "recorded__contactTags_list.GET.200.pastebin-cBnkKeuc.excerpt.json")
    for row, tag in zip(tags["contactTags"], ["2", "3"]):
        row.update(contact="5", tag=tag)
    responses.get(f"{API}/contacts/5/contactTags", json=tags)
    contact = c.get_contact("Adam@ActiveCampaign.com")
    assert paths() == ["GET /contacts", "GET /contacts/5/fieldValues", "GET /contacts/5/contactTags"]
    assert contact.email == "adam@activecampaign.com"
    assert contact.tags == ("two", "three")
    assert contact.fields["program_purchase_date"] == "2021-05-02"


@responses.activate
def test_an_unfiltered_list_without_the_exact_email_means_no_contact_and_no_further_calls():
    c = warm(client())
    responses.get(f"{API}/contacts", json=load_fixture("activecampaign", "contacts_list.GET.200.json"))
    assert c.get_contact("somebody.else@example.com") is None
    assert c.get_contact("adam@activecampaign.co") is None  # no prefix/substring matching
    assert paths() == ["GET /contacts", "GET /contacts"]


@responses.activate
def test_an_empty_contacts_list_means_no_contact():
    c = warm(client())
    responses.get(f"{API}/contacts", json={"scoreValues": [], "contacts": [], "meta": {"total": "0"}})
    assert c.get_contact("neu@example.com") is None


@responses.activate
def test_a_tag_unknown_to_the_cached_map_is_looked_up_alone_not_by_reloading_every_tag():
    c = warm(client())
    listing = load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json")
    listing["contactTags"][0]["tag"] = "16"
    responses.get(f"{API}/contacts", json=listing)
    # GET /tags/{id} answers the single resource, {"tag": {...}}: the documented tag 16 "My Tag".
    responses.get(f"{API}/tags/16", json=load_fixture("activecampaign", "tags_create.POST.201.json"))
    contact = c.get_contact("adam@activecampaign.com")
    assert contact.tags == ("My Tag", "three")
    assert paths() == ["GET /contacts", "GET /tags/16"]


@responses.activate
def test_fifty_two_reads_of_contacts_with_one_foreign_tag_cost_one_tag_lookup_and_no_reload():
    # The worker loaded its map before tag 1 existed (the documented list without it); then another
    # integration created tag 1 ("My Tag", the documented GET /tags/{id} example) and put it on contacts.
    tags = load_fixture("activecampaign", "tags_list.GET.200.json")
    tags["tags"] = [t for t in tags["tags"] if t["id"] != "1"]
    responses.get(f"{API}/tags", json=tags)
    responses.get(
        f"{API}/fields", json=load_fixture("activecampaign", "constructed__fields_list_goodwill.GET.200.json")
    )
    c = client()
    c.warm_up()
    responses.calls.reset()
    responses.get(
        f"{API}/contacts", json=load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json")
    )
    responses.get(f"{API}/tags/1", json=load_fixture("activecampaign", "tag_get.GET.200.json"))
    for _ in range(52):
        assert c.get_contact("adam@activecampaign.com").tags == ("My Tag", "three")
    assert paths().count("GET /contacts") == 52
    assert paths().count("GET /tags/1") == 1
    assert "GET /tags" not in paths()  # no reload of the tag pages


@responses.activate
def test_a_deleted_tag_on_a_contact_is_looked_up_once_and_then_left_out():
    c = warm(client())
    listing = load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json")
    listing["contactTags"][0]["tag"] = "1000"
    responses.get(f"{API}/contacts", json=listing)
    not_found = load_fixture("activecampaign", "tag_get.GET.404.json")
    responses.get(f"{API}/tags/1000", status=404, json=not_found)
    for _ in range(3):
        assert c.get_contact("adam@activecampaign.com").tags == ("three",)
    assert paths().count("GET /tags/1000") == 1


@responses.activate
def test_a_template_tag_never_stands_in_for_the_contact_tag_of_the_same_name():
    # tags_list.GET.200.json has the template tags test1 (id 4) and test2 (id 5).
    c = warm(client())
    responses.get(
        f"{API}/tags",
        match=[matchers.query_param_matcher({"search": "test1", "limit": "100", "offset": "0"})],
        json={"tags": [load_fixture("activecampaign", "tags_list.GET.200.json")["tags"][3]], "meta": {"total": "1"}},
    )
    created = load_fixture("activecampaign", "tags_create.POST.201.json")
    created["tag"].update(tag="test1")
    responses.post(f"{API}/tags", status=201, json=created)
    assert c.ensure_tag("test1") == "16"
    assert json.loads(responses.calls[-1].request.body)["tag"]["tagType"] == "contact"
    listing = load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json")
    listing["contactTags"][0]["tag"] = "4"  # the template tag: not one of the contact's tags
    responses.get(f"{API}/contacts", json=listing)
    assert c.get_contact("adam@activecampaign.com").tags == ("three",)


@responses.activate
def test_date_values_with_a_time_part_are_cut_to_the_day():
    c = warm(client())
    listing = load_fixture("activecampaign", "constructed__contacts_list_with_includes.GET.200.json")
    listing["fieldValues"] = [
        {"contact": "5", "field": "6", "value": "2026-12-01 00:00:00", "id": "77"},
        {"contact": "5", "field": "7", "value": "", "id": "78"},
        {"contact": "9", "field": "8", "value": "2020-01-01", "id": "79"},
    ]
    responses.get(f"{API}/contacts", json=listing)
    contact = c.get_contact("adam@activecampaign.com")
    assert contact.fields == {"program_end_date": "2026-12-01"}
    assert contact.field_value_ids == {"program_end_date": "77", "club_start_date": "78"}


# -- tags ------------------------------------------------------------------------------------------
@responses.activate
def test_the_tag_map_is_read_across_pages_of_one_hundred():
    first = {
        "tags": [{"id": str(i), "tag": f"t{i}", "tagType": "contact"} for i in range(1, 101)],
        "meta": {"total": "101"},
    }
    second = {"tags": [{"id": "101", "tag": "Kulanz_Gewaehrt", "tagType": "contact"}], "meta": {"total": "101"}}
    responses.get(f"{API}/tags", match=[matchers.query_param_matcher({"limit": "100", "offset": "0"})], json=first)
    responses.get(f"{API}/tags", match=[matchers.query_param_matcher({"limit": "100", "offset": "100"})], json=second)
    c = client()
    assert c.ensure_tag("kulanz_gewaehrt") == "101"
    assert len(responses.calls) == 2
    assert c.ensure_tag("KULANZ_GEWAEHRT") == "101"
    assert len(responses.calls) == 2  # cached


@responses.activate
def test_a_missing_tag_is_searched_then_created_with_the_documented_body():
    c = warm(client(tag_description="Kulanz-Triage"))
    responses.get(
        f"{API}/tags",
        match=[matchers.query_param_matcher({"search": "My Tag", "limit": "100", "offset": "0"})],
        json={"tags": [{"id": "40", "tag": "My Tag 2"}], "meta": {"total": "1"}},
    )
    responses.post(f"{API}/tags", status=201, json=load_fixture("activecampaign", "tags_create.POST.201.json"))
    assert c.ensure_tag("My Tag") == "16"
    body = json.loads(responses.calls[1].request.body)
    assert body == {"tag": {"tag": "My Tag", "tagType": "contact", "description": "Kulanz-Triage"}}
    jsonschema.validate(body, schema("POST.tags"))
    assert c.ensure_tag("my tag") == "16" and len(responses.calls) == 2


@pytest.mark.parametrize("status", [400, 422, 200])
@responses.activate
def test_a_duplicate_tag_error_refreshes_the_map_and_finds_the_tag(status):
    c = warm(client())
    responses.get(
        f"{API}/tags",
        match=[matchers.query_param_matcher({"search": "TEST", "limit": "100", "offset": "0"})],
        json={"tags": [], "meta": {"total": "0"}},
    )
    responses.post(
        f"{API}/tags",
        status=status,
        json=load_fixture("activecampaign", "recorded__tags_create.POST.duplicate-error.verbb-formie-1389.json"),
    )
    refreshed = load_fixture("activecampaign", "tags_list.GET.200.json")
    refreshed["tags"].append({"id": "99", "tag": "test", "tagType": "contact"})
    responses.replace(responses.GET, f"{API}/tags", json=refreshed)
    assert c.ensure_tag("TEST") == "99"


@responses.activate
def test_a_non_duplicate_tag_error_is_raised():
    c = warm(client())
    responses.get(
        f"{API}/tags",
        match=[matchers.query_param_matcher({"search": "x", "limit": "100", "offset": "0"})],
        json={"tags": [], "meta": {"total": "0"}},
    )
    responses.post(f"{API}/tags", status=422, json={"errors": [{"title": "Tag name too long"}]})
    with pytest.raises(ApiClientError, match="too long"):
        c.ensure_tag("x")


@responses.activate
def test_with_warm_caches_adding_a_known_tag_costs_exactly_one_call():
    c = warm(client())
    responses.post(
        f"{API}/contactTags", status=201, json=load_fixture("activecampaign", "contactTags_create.POST.201.json")
    )
    assert c.add_tag("5", "Three") == "1"
    assert paths() == ["POST /contactTags"]
    body = json.loads(responses.calls[0].request.body)
    assert body == {"contactTag": {"contact": 5, "tag": 3}}
    jsonschema.validate(body, schema("POST.contactTags"))


@responses.activate
def test_adding_a_tag_to_an_unknown_contact_is_not_found():
    c = warm(client())
    responses.post(
        f"{API}/contactTags", status=404, json=load_fixture("activecampaign", "contactTags_create.POST.404.json")
    )
    with pytest.raises(ApiNotFound, match="Contact not found"):
        c.add_tag("999", "one")


@responses.activate
def test_removing_a_contact_tag_deletes_the_association():
    c = client()
    responses.delete(
        f"{API}/contactTags/112479", json=load_fixture("activecampaign", "contactTags_delete.DELETE.200.json")
    )
    c.remove_contact_tag("112479")
    assert paths() == ["DELETE /contactTags/112479"]


# -- fields --------------------------------------------------------------------------------------
@responses.activate
def test_with_warm_caches_setting_a_date_costs_exactly_one_call_with_the_documented_body():
    c = warm(client())
    responses.post(f"{API}/fieldValues", json=load_fixture("activecampaign", "fieldValues_create.POST.200.json"))
    assert c.set_field("5", "program_end_date", date(2026, 12, 1)) == "15"
    assert paths() == ["POST /fieldValues"]
    body = json.loads(responses.calls[0].request.body)
    assert body == {"fieldValue": {"contact": "5", "field": "6", "value": "2026-12-01"}, "useDefaults": False}
    jsonschema.validate(body, schema("POST.fieldValues"))


@responses.activate
def test_a_malformed_date_is_refused_before_any_call():
    c = warm(client())
    with pytest.raises(ValueError):
        c.set_field("5", "program_end_date", "01.12.2026")
    assert len(responses.calls) == 0


@responses.activate
def test_a_date_field_that_is_not_of_type_date_is_a_config_error():
    fields = load_fixture("activecampaign", "constructed__fields_list_goodwill.GET.200.json")
    fields["fields"][1]["type"] = "text"
    responses.get(f"{API}/fields", json=fields)
    with pytest.raises(AcConfigError, match="expected 'date'"):
        client().set_field("5", "program_end_date", "2026-12-01")


@responses.activate
def test_a_perstag_missing_in_the_account_is_a_config_error_after_one_reload():
    fields = load_fixture("activecampaign", "constructed__fields_list_goodwill.GET.200.json")
    fields["fields"] = [f for f in fields["fields"] if f["perstag"] != "PRO_END_DATE"]
    responses.get(f"{API}/fields", json=fields)
    with pytest.raises(AcConfigError, match="PRO_END_DATE"):
        client().set_field("5", "pro_end_date", "2026-12-01")
    assert paths() == ["GET /fields", "GET /fields"]
    with pytest.raises(AcConfigError):
        client().set_field("5", "not_mapped", "2026-12-01")


@responses.activate
def test_field_ids_resolve_perstags_across_pages():
    page1 = {
        "fields": [{"id": str(i), "perstag": f"X{i}", "type": "text"} for i in range(100)],
        "meta": {"total": "101"},
    }
    page2 = {"fields": [{"id": "500", "perstag": "%PROGRAM_END_DATE%", "type": "date"}], "meta": {"total": "101"}}
    responses.get(f"{API}/fields", match=[matchers.query_param_matcher({"limit": "100", "offset": "0"})], json=page1)
    responses.get(f"{API}/fields", match=[matchers.query_param_matcher({"limit": "100", "offset": "100"})], json=page2)
    assert client().field_ids() == {"program_end_date": "500"}


# -- errors --------------------------------------------------------------------------------------
@responses.activate
def test_a_bad_key_is_unauthorized_with_a_clear_message_and_no_token():
    responses.get(f"{API}/contacts", status=403, json={"message": "Forbidden"})
    with pytest.raises(ApiUnauthorized) as info:
        client().get_contact("a@b.de")
    assert "AC_API_TOKEN" in str(info.value) and "Forbidden" in str(info.value)
    assert TOKEN not in str(info.value)


@responses.activate
def test_a_429_pauses_activecampaign_and_is_not_retried_inline_when_retry_after_is_long(limiter):
    responses.get(f"{API}/contacts", status=429, json={}, headers={"Retry-After": "30"})
    with pytest.raises(ApiRateLimited) as info:
        client(limiter).get_contact("a@b.de")
    assert info.value.retry_after == 30.0
    assert limiter.paused == [("ac", 30.0)]
    assert len(responses.calls) == 1


def test_the_base_url_may_already_end_in_api_3():
    c = ActiveCampaignClient(base_url="https://x.api-us1.com/api/3/", token="t", field_map={})
    assert c._http.base_url == "https://x.api-us1.com/api/3"


def test_the_copied_schemas_are_the_openapi_request_bodies_when_the_shared_reference_is_present():
    # The export lives in the team's shared/ reference beside the clone, not in this repo (the other
    # tests use the copies in tests/fixtures). CI has it and must compare; a bare clone elsewhere cannot.
    spec_path = Path(__file__).resolve().parents[3] / "shared/reference/activecampaign/activecampaign-v3.openapi.json"
    if not spec_path.exists():
        missing_service(f"the shared AC OpenAPI export ({spec_path})")  # a failure with CI=true
    spec = json.loads(spec_path.read_text())
    for path, name in [
        ("/tags", "POST.tags"),
        ("/contactTags", "POST.contactTags"),
        ("/fieldValues", "POST.fieldValues"),
    ]:
        copied = schema(name)
        copied.pop("$comment")
        assert copied == spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_the_contract_schemas_have_teeth():
    # what the schemas reject: string ids for contactTags, a fieldValue without value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"contactTag": {"contact": "5", "tag": "3"}}, schema("POST.contactTags"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fieldValue": {"contact": "5", "field": "6"}}, schema("POST.fieldValues"))
