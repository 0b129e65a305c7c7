"""The clause parameters of a goodwill pack: their schema, defaults, checks and a readable listing.

Every parameter the rules read is declared once in `PARAMS` (kind, default, meaning). A pack may
leave a parameter out (its default here, listed in docs/policy.md §5, applies); a parameter that is present must be
valid, and an unknown key inside a known section is an error, so a typo cannot silently fall back
to a default. `validate_pack` raises `PackError` with one line naming the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from policies.model import ESCALATION_TARGETS, OUTCOMES, REQUEST_TYPES
from policies.pack.schema import GENERAL_KEYS, GENERAL_TABLES, MARKER_KEYS, PackError, PolicyPack, line_of
from policies.reading.classification import DOCUMENT_KINDS, MEDICAL_REASONS, NOT_WEIGHTY_REASONS, WEIGHTY_REASONS
from policies.vocab import AbuseStep, EscalationTarget, Process, RequestType

REASONS = WEIGHTY_REASONS | NOT_WEIGHTY_REASONS
ABUSE_STEPS: tuple[str, ...] = tuple(AbuseStep)


@dataclass(frozen=True)
class Param:
    kind: str
    default: Any
    meaning: str


_ILLNESS = list(MEDICAL_REASONS)

PARAMS: dict[str, Param] = {
    "general.timezone": Param("timezone", "Europe/Berlin", "calendar the team counts days in"),
    "reading.min_confidence": Param(
        "share", 0.6, "agreement gate: both readers at least this sure, or a person confirms before anything is applied"
    ),
    "reading.model_overrules": Param(
        "share",
        0.6,
        "when the readers name different request types, the decision is made on the statistical reader's type "
        "if it is at least this sure (a person confirms it first either way)",
    ),
    "reading.severe_raise": Param(
        "share",
        0.3,
        "a threat or hate the rule reader missed is taken on (escalate, supervisor) when the statistical reader "
        "gives it at least this probability",
    ),
    "reading.abuse_raise": Param(
        "share",
        0.4,
        "abuse the rule reader missed is taken on when the statistical reader gives it at least this probability",
    ),
    "reading.approve_confidence": Param(
        "share",
        0.9,
        "an approval passes the agreement gate only when both readers are at least this sure of the request type",
    ),
    "classifier.min_confidence": Param(
        "share",
        0.5,
        "rule reader: a reading less sure than this becomes `unclear`, and the customer is asked (K-1)",
    ),
    "general.one_gesture_types": Param(
        "request_types",
        [RequestType.PROGRAM_EXTENSION, RequestType.PROGRAM_PAUSE, RequestType.CLUB_PAUSE],
        "K-3: request types where a prior goodwill gesture leads to another solution",
    ),
    "general.product_tag_prefixes": Param(
        "tags",
        ["prog_", "upsell_"],
        "K-1: AC tag prefixes naming a program or an upsell product; an approval for a customer with two of them "
        "whose mail names neither waits for a person",
    ),
    "extension.weeks": Param("positive_int", 4, "K-EXT-1: weeks added to program_end_date"),
    "extension.tag": Param("tag", "kulanz_verlaengerung", "K-EXT-1: AC tag marking the extension"),
    "extension.deny_from_prior": Param(
        "positive_int", 2, "K-EXT-3: prior gestures from which a further extension is denied"
    ),
    "pause.weighty_reasons": Param(
        "reasons",
        ["illness", "surgery", "hospital", "bereavement", "accident"],
        "K-PAUSE: reasons for which an extension is offered instead of a pause",
    ),
    "return.window_days": Param("positive_int", 30, "K-RET-30: last day (after purchase) a return wish is in time"),
    "return.special_reasons": Param(
        "reasons",
        ["illness", "surgery", "hospital", "accident", "bereavement"],
        "K-RET-LATE: special cases escalated instead of denied",
    ),
    "return.escalate_to": Param("target", EscalationTarget.OFD, "K-RET-LATE: who decides special late returns"),
    "club_pause.max_months": Param(
        "positive_int", 6, "K-CLUB-PAUSE: longest pause the agent approves (calendar months)"
    ),
    "club_pause.tag": Param("tag", "kulanz_club_pause", "K-CLUB-PAUSE: AC tag marking an approved pause"),
    "club_pause.escalate_to": Param("target", EscalationTarget.HEAD_OF_CH, "K-CLUB-PAUSE: who decides longer pauses"),
    "club_exit.min_years": Param("positive_int", 1, "K-CLUB-EXIT: earliest end, in years after club_start_date"),
    "club_exit.documents": Param(
        "reason_documents",
        {
            "unemployment": "unemployment_certificate",
            "illness": "attest",
            "surgery": "attest",
            "hospital": "attest",
            "accident": "attest",
        },
        "K-CLUB-EXIT: weighty reasons and the document each needs",
    ),
    "club_exit.escalate_to": Param("target", EscalationTarget.OFD, "K-CLUB-EXIT: who decides other weighty reasons"),
    "coach_refund.illness_reasons": Param("reasons", _ILLNESS, "K-COACH-REFUND: reasons counted as illness"),
    "coach_refund.escalate_to": Param("target", EscalationTarget.COACH_LEADS, "K-COACH-REFUND: who decides refunds"),
    "coach_extension.days": Param("positive_int", 42, "K-COACH-EXT-6W: days added (6 weeks)"),
    "coach_extension.v2_start": Param(
        "date", date(2023, 6, 1), "rounds from this day move end dates, older ones get tags"
    ),
    "coach_extension.legacy_tags": Param(
        "tags",
        ["memb_intueat_coach_1.0_extended_6weeks", "memb_intueat_coach_1.0_extended"],
        "K-COACH-EXT-6W: AC tags for rounds before v2_start",
    ),
    "coach_extension.v2_fields": Param(
        "fields", ["coach_end_date", "pro_end_date"], "K-COACH-EXT-6W: AC dates moved for newer rounds"
    ),
    "coach_extension.prior_tags": Param(
        "tags", ["memb_intueat_coach_1.0_extended"], "K-COACH-EXT-LONG: tags showing an extension was already granted"
    ),
    "coach_extension.long_tags": Param(
        "tags",
        ["memb_intueat_coach_1.0_extended_6month", "memb_intueat_coach_1.0_extended"],
        "K-COACH-EXT-LONG: tags set only after the coach leads approve 6 months",
    ),
    "coach_extension.escalate_to": Param(
        "target", EscalationTarget.COACH_LEADS, "K-COACH-EXT-LONG: who decides longer extensions"
    ),
    "inserts.coach_extension_offer": Param(
        "text", "[IE Coach Kulanz] 6-wöchige Verlängerung", "Groove insert: 6-week offer"
    ),
    "inserts.coach_extension_done": Param(
        "text", "[IE Coach] 6-wöchige Verlängerung eingerichtet", "Groove insert: 6-week confirmation"
    ),
    "abuse.ladder": Param("abuse_steps", list(ABUSE_STEPS), "A-3: consequences in order of repetition"),
    "abuse.severe_min_step": Param("nonneg_int", 1, "A-3: ladder step a threat or hate speech starts at (0 = first)"),
    "abuse.escalate_to": Param("target", EscalationTarget.SUPERVISOR, "A-2: who is informed of abuse"),
    "fair_use.protected_products": Param(
        "tags",
        ["Mobile-TV", "Mobile TV", "Kombi", "Combo", "AiO", "All-in-One"],
        "fair use: products (word starts) that rule out a termination",
    ),
    "authority.agent": Param(
        "authority",
        [
            "program_extension/approve",
            "program_extension/offer_alternative",
            "program_return/approve",
            "club_pause/approve",
            "club_cancellation/approve",
            "coach_extension/approve",
        ],
        "request_type/outcome pairs the agent may carry out without asking anyone",
    ),
}

SECTIONS = frozenset(k.split(".")[0] for k in PARAMS)

# Which process a pack drives (top-level `process`, default "goodwill"). A fair-use pack (seed 004)
# has its own sections: the decision parameter, the Groove task tickets and the tenant's names.
PROCESSES: tuple[str, ...] = tuple(Process)
FAIR_USE_PARAMS: dict[str, Param] = {
    "fair_use.protected_products": PARAMS["fair_use.protected_products"],
    "tasks.mailbox": Param(
        "mailbox",
        "kundendienst@finecom.ch",
        "Groove mailbox the task tickets are opened in: its e-mail or id (POST /v1/tickets takes no display name)",
    ),
    "tasks.agent": Param("email", None, "Groove agent the task tickets come from (unset: GROOVE_NOTE_AUTHOR)"),
    "tasks.fallback_to": Param(
        "email", None, "ticket recipient for a customer known only by id (unset: such a row fails)"
    ),
    "tasks.tags": Param("tags", ["fair-use"], "tags on every task ticket (the measure is added as fair-use-<measure>)"),
    "texts.team": Param("text", "Kundendienst Finecom", "the team that carries out the measures (KuDi)"),
    "texts.partner": Param("text", "KNU", "the partner who contacts the customer and sends the letter"),
    "texts.sms_1": Param("text", "SMS Nr. 1 via QMC", "stage 1: the SMS to send"),
    "texts.sms_2": Param("text", "SMS Nr. 2 via QMC", "stage 2: the SMS to send"),
    "texts.history": Param("text", "History-Eintrag im QMC", "stages 1-2: where sending the SMS is recorded"),
    "texts.migration_letter": Param("text", "Migrationsschreiben", "stage 3: the letter for a migration"),
    "texts.termination_letter": Param("text", "Kündigungsbrief", "stage 3: the letter for a termination"),
    "texts.controlling": Param("text", "Finecom Controlling", "stage 3: told when the partner disagrees"),
}
FAIR_USE_SECTIONS = frozenset(k.split(".")[0] for k in FAIR_USE_PARAMS)
# Every parameter by name, for `param()`: a goodwill pack asked about fair use gets the defaults.
ALL_PARAMS: dict[str, Param] = {**FAIR_USE_PARAMS, **PARAMS}


def process_of(raw_or_pack: Any) -> Process:
    """The process a pack drives: "goodwill" (ticket triage) or "fair_use" (usage overruns)."""
    raw = raw_or_pack if isinstance(raw_or_pack, dict) else raw_or_pack.raw
    return Process(str(raw.get("process", Process.GOODWILL)))


def schema_for(raw: dict[str, Any]) -> dict[str, Param]:
    return FAIR_USE_PARAMS if process_of(raw) == Process.FAIR_USE else PARAMS


def _fail(origin: str, key: str, expected: str, line: int | None = None) -> PackError:
    where = f"{origin}:{line}" if line else origin
    return PackError(f"policy pack {where}: {key} must be {expected}")


def _refuse_unknown(raw: dict[str, Any], origin: str, text: str, sections: frozenset[str]) -> None:
    """A misspelt table or key would silently fall back to a default: name it, with its line."""
    known = GENERAL_KEYS | GENERAL_TABLES | sections
    for name in raw:
        if name not in known:
            line = line_of(text, name) or line_of(text, "", name)
            raise _fail(
                origin,
                f"[{name}]" if isinstance(raw[name], dict) else name,
                f"one of the known sections ({', '.join(sorted(GENERAL_TABLES | sections))})"
                f" or keys ({', '.join(sorted(GENERAL_KEYS))})",
                line,
            )
    for key in raw.get("markers", {}):
        if key not in MARKER_KEYS:
            raise _fail(
                origin,
                f"markers.{key}",
                f"one of the known keys ({', '.join(sorted(MARKER_KEYS))})",
                line_of(text, "markers", key),
            )


def _check(kind: str, value: Any) -> str | None:
    """None if `value` fits `kind`, otherwise what was expected (for the error line)."""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    is_str_list = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    if kind == "positive_int":
        return None if is_int and value > 0 else "a positive integer"
    if kind == "share":
        is_num = isinstance(value, int | float) and not isinstance(value, bool)
        return None if is_num and 0 <= value <= 1 else "a number from 0 to 1"
    if kind == "nonneg_int":
        return None if is_int and value >= 0 else "an integer >= 0"
    if kind == "email":
        local, _, domain = value.partition("@") if isinstance(value, str) else ("", "", "")
        ok = bool(local) and "." in domain and "@" not in domain and not any(c.isspace() for c in value)
        return None if ok else "an e-mail address"
    if kind == "mailbox":
        # Groove's POST /v1/tickets: "The email or ID of the mailbox the ticket should be created in".
        if is_int:
            return None if value > 0 else "a Groove mailbox e-mail or id"
        if isinstance(value, str) and value.strip().isdecimal():
            return None
        return _check("email", value) and "a Groove mailbox e-mail or id (not its display name)"
    if kind in ("tag", "text"):
        return None if isinstance(value, str) and value.strip() else "a non-empty string"
    if kind == "tags":
        return None if is_str_list and value else "a non-empty list of tag names"
    if kind == "date":
        return None if isinstance(value, date) else "a date (YYYY-MM-DD, unquoted)"
    if kind == "target":
        return None if value in ESCALATION_TARGETS else f"one of {', '.join(ESCALATION_TARGETS)}"
    if kind == "timezone":
        if not isinstance(value, str):
            return "an IANA time zone name"
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return "an IANA time zone name"
        return None
    if kind == "request_types":
        return None if is_str_list and set(value) <= set(REQUEST_TYPES) else "a list of request types"
    if kind == "reasons":
        return None if is_str_list and set(value) <= REASONS else f"a list of reasons from {', '.join(sorted(REASONS))}"
    if kind == "fields":
        from policies.model import DATE_FIELDS

        return None if is_str_list and value and set(value) <= set(DATE_FIELDS) else "a list of canonical date fields"
    if kind == "reason_documents":
        ok = (
            isinstance(value, dict)
            and bool(value)
            and all(k in REASONS and v in DOCUMENT_KINDS for k, v in value.items())
        )
        return None if ok else "a table reason = document kind (attest, unemployment_certificate)"
    if kind == "abuse_steps":
        return (
            None
            if is_str_list and value and set(value) <= set(ABUSE_STEPS)
            else f"a list from {', '.join(ABUSE_STEPS)}"
        )
    if kind == "authority":
        pairs = [v.split("/") for v in value] if is_str_list else [[]]
        ok = all(len(p) == 2 and p[0] in REQUEST_TYPES and p[1] in OUTCOMES for p in pairs)
        return None if ok else "a list of 'request_type/outcome' strings"
    raise AssertionError(f"unknown parameter kind {kind}")


def validate_pack(raw: dict[str, Any], origin: str, text: str = "") -> None:
    if raw.get("process", Process.GOODWILL) not in PROCESSES:
        raise _fail(origin, "process", f"one of {', '.join(PROCESSES)}")
    schema = schema_for(raw)
    sections = FAIR_USE_SECTIONS if schema is FAIR_USE_PARAMS else SECTIONS
    if schema is FAIR_USE_PARAMS:
        # A goodwill clause section in a fair-use pack would be silently unused: say so instead.
        stray = sorted(s for s in SECTIONS - FAIR_USE_SECTIONS if s in raw)
        if stray:
            raise _fail(
                origin,
                f"[{stray[0]}]",
                "left out: a fair_use pack does not use goodwill clause sections",
                line_of(text, stray[0]),
            )
    _refuse_unknown(raw, origin, text, sections)
    for section in sections:
        body = raw.get(section)
        if body is None:
            continue
        if not isinstance(body, dict):
            raise _fail(origin, section, "a table")
        for key, value in body.items():
            dotted = f"{section}.{key}"
            spec = schema.get(dotted)
            if spec is None:
                known = ", ".join(sorted(k for k in schema if k.startswith(section + ".")))
                raise _fail(origin, dotted, f"one of the known keys ({known})", line_of(text, section, key))
            expected = _check(spec.kind, value)
            if expected:
                raise _fail(origin, dotted, expected, line_of(text, section, key))
    severe = param_raw(raw, "abuse.severe_min_step")
    if severe >= len(param_raw(raw, "abuse.ladder")):
        raise _fail(origin, "abuse.severe_min_step", "smaller than the length of abuse.ladder")


def param_raw(raw: dict[str, Any], dotted: str) -> Any:
    section, key = dotted.split(".", 1)
    body = raw.get(section)
    if isinstance(body, dict) and key in body:
        return body[key]
    return ALL_PARAMS[dotted].default


def param(pack: PolicyPack, dotted: str) -> Any:
    """A clause parameter of `pack`, or its default (PARAMS, docs/policy.md §5) when the pack leaves it out."""
    return param_raw(pack.raw, dotted)


def within_authority(pack: PolicyPack, request_type: str, outcome: str) -> bool:
    return f"{request_type}/{outcome}" in param(pack, "authority.agent")


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}→{v}" for k, v in value.items())
    return str(value)


def describe_pack(pack: PolicyPack) -> str:
    """Plain-text listing for `goodwill policy show`: id, version, every parameter and its meaning."""
    lines = [f"policy pack {pack.id} {pack.version} (tenant {pack.tenant or '-'})"]
    if process_of(pack) != Process.GOODWILL:
        lines.append(f"process: {process_of(pack)}")
    modes = pack.raw.get("modes", {})
    lines.append("modes: " + ", ".join(f"{k}={v}" for k, v in modes.items()))
    markers = pack.raw.get("markers", {})
    if process_of(pack) == Process.GOODWILL:
        lines.append(
            "goodwill markers: tags containing "
            + _show(markers.get("contains", []))
            + "; starting "
            + _show(markers.get("prefixes", []))
            + f"; applied tag {markers.get('applied_tag', '-')}"
        )
    section = ""
    for dotted, spec in schema_for(pack.raw).items():
        head, key = dotted.split(".", 1)
        if head != section:
            section = head
            lines.append(f"[{section}]")
        value = param(pack, dotted)
        source = "" if head in pack.raw and key in pack.raw[head] else "  (default)"
        lines.append(f"  {key} = {_show(value)}{source}    # {spec.meaning}")
    if pack.ac_fields:
        lines.append("[ac_fields] " + _show(pack.ac_fields))
    return "\n".join(lines)
