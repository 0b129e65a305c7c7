"""German HTML the worker posts besides the decision note itself, and the fair-use texts.

Pure functions: callers pass values, every value is escaped here; only a note body that is already
HTML (`body`, `decision.note`, the partner brief) goes in as it is. Labels come from
`policies/render/labels.py`; the decision note is `policies/render/note.py`.

- the frame of the decision note (worker/triage/apply.py): `decision_note`
- the follow-up after a person's review (worker/triage/review.py): `review_follow_up`
- `goodwill customer` (worker/triage/snapshot.py): `prior_goodwill_why`
- the fair-use task ticket (worker/fair_use/process.py): `fair_use_task` (the decision's note and the
  partner brief are written by policies/rules/fair_use.py)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from policies.model import Decision, HistoryEntry
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.render.labels import (
    ACTION_STATE,
    FIELD,
    MEASURE,
    MODE,
    NO_MEASURE,
    REQUEST_TYPE,
    REVIEW_STATUS,
    VERDICT,
    VERDICT_QUESTION,
    title,
)
from policies.rules.fair_use import month_de, partner_brief
from policies.vocab import ActionState, Mode

PRODUCT = "Kulanz-Triage"  # how the worker signs its notes


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _ul(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def signature(marker: str) -> str:
    """The last line of every note the worker posts; `marker` finds the note again on a retry."""
    return f"<p><small>{PRODUCT} {_e(marker)}</small></p>"


# -- the decision note on the ticket ---------------------------------------------------------
def shadow_banner() -> str:
    return (
        f"<p><b>{ACTION_STATE[ActionState.PROPOSAL]} ({MODE[Mode.SHADOW]}):</b> "
        "In ActiveCampaign wurde nichts geändert.</p>"
    )


def _sentence(text: str) -> str:
    """The first letter upper case and the rest as written: str.capitalize() would write "der regel-leser"."""
    return text[:1].upper() + text[1:]


_DOUBTS = {
    "type": "die beiden Leser erkennen verschiedene Anliegen",
    "abusive": "die beiden Leser sind uneins, ob die Nachricht beleidigend ist",
    "severe": "die beiden Leser sind uneins, ob die Nachricht eine Drohung oder Hetze enthält",
    "rules_unsure": "der Regel-Leser ist sich nicht sicher",
    "model_unsure": "der statistische Leser ist sich nicht sicher",
    "approval_unsure": "für eine Zusage ohne Prüfung sind die Leser nicht sicher genug",
    "span_beyond": "die Mail nennt eine längere Zeitspanne, als die Zusage abdeckt",
    "product_unnamed": "die Kund:in hat mehrere Produkte, und die Mail nennt keins beim Namen",
    "prior_gesture": "die Kund:in hatte schon eine Kulanz (K-3: in der Regel eine pro Kund:in)",
    "restart": "ein Kulanzneustart ist eine Ausnahme (K-EXT-2), auch ohne frühere Kulanz",
}


def _reader_line(name: str, view: Mapping[str, Any]) -> str:
    rtype = str(view.get("request_type", ""))
    abusive = " · Drohung/Hetze" if view.get("severe") else " · beleidigend" if view.get("abusive") else ""
    share = round(float(view.get("confidence") or 0.0) * 100)
    return f"{name}: {_e(REQUEST_TYPE.get(rtype, rtype))}{abusive} ({share} % sicher)"


def uncertain_banner_short() -> str:
    """The banner where the note has no room for both readings: they are shown on the OFD page."""
    return "<p><b>Unsicher erkannt – bitte prüfen.</b> Angewendet wird erst nach Bestätigung im OFD.</p>"


def uncertain_banner(reading: Mapping[str, Any]) -> str:
    """Shown on top of a decision the two readers did not agree on: a person confirms it first."""
    doubts = [_DOUBTS[d] for d in reading.get("doubts", ()) if d in _DOUBTS]
    lines = [
        _reader_line("Regel-Leser", reading.get("rules") or {}),
        _reader_line("Statistischer Leser", reading.get("model") or {}),
    ]
    raised = reading.get("raised") or ()
    taken = (
        "Die Drohung/Hetze, die der statistische Leser erkennt, ist in der Entscheidung berücksichtigt. "
        if "severe" in raised
        else "Die Beleidigung, die der statistische Leser erkennt, ist in der Entscheidung berücksichtigt. "
        if raised
        else ""
    )
    return (
        "<p><b>Unsicher erkannt – bitte prüfen.</b> "
        + (_e(_sentence("; ".join(doubts))) + ". " if doubts else "")
        + taken
        + "Angewendet wird erst nach Bestätigung im OFD.</p>"
        + _ul(lines)
    )


def approval_links(apply_url: str, reject_url: str, valid_days: int) -> str:
    """The one-click links of assist mode."""
    return (
        f'<p><b>Freigabe:</b> <a href="{_attr(apply_url)}">Änderungen jetzt anwenden</a> · '
        f'<a href="{_attr(reject_url)}">ablehnen</a> (Link {valid_days} Tage gültig)</p>'
    )


def verdict_links(agree_url: str, disagree_url: str, valid_days: int) -> str:
    """The agent's verdict on the decision: "Stimmt" records it at once, "Stimmt nicht" asks what is right."""
    return (
        f'<p><b>{VERDICT_QUESTION}</b> <a href="{_attr(agree_url)}">{VERDICT["agree"]}</a> · '
        f'<a href="{_attr(disagree_url)}">{VERDICT["disagree"]}</a> (Link {valid_days} Tage gültig)</p>'
    )


def decision_note(
    body: str,
    marker: str,
    *,
    shadow: bool,
    links: tuple[str, str] | None = None,
    valid_days: int = 7,
    verdicts: tuple[str, str] | None = None,
    verdict_days: int = 30,
) -> str:
    """The note as posted: the shadow-mode banner, the decision's note (HTML), the links, the signature."""
    parts = [shadow_banner()] if shadow else []
    parts.append(body)
    if links is not None:
        parts.append(approval_links(*links, valid_days=valid_days))
    if verdicts is not None:
        parts.append(verdict_links(*verdicts, valid_days=verdict_days))
    parts.append(signature(marker))
    return "\n".join(parts)


# -- the follow-up after a review ------------------------------------------------------------
class ActionLike(Protocol):
    @property
    def op(self) -> str: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def field(self) -> str | None: ...
    @property
    def value(self) -> str | None: ...


def change_line(action: ActionLike) -> str | None:
    """One CRM change that was applied, as the follow-up lists it (None for an unknown operation)."""
    if action.op == "add_tag":
        return f"Tag <b>{_e(action.tag or '')}</b> in ActiveCampaign gesetzt"
    if action.op == "set_field":
        name = FIELD.get(action.field or "", action.field or "")
        return f"{_e(name)} auf <b>{_e(action.value or '')}</b> gesetzt"
    return None


def review_follow_up(
    approved: bool, actor: str, applied: Sequence[ActionLike], comment: str | None, marker: str
) -> str:
    """The note after a person approved or rejected a proposal; `applied` are the CRM changes made."""
    who = _e(actor)
    parts = []
    if approved:
        parts.append(f"<p><b>{PRODUCT}: {title(REVIEW_STATUS['applied'])}</b> von {who}.</p>")
        changes = [line for line in map(change_line, applied) if line]
        if changes:
            parts.append(_ul(changes))
        else:
            parts.append("<p>In ActiveCampaign war nichts zu ändern.</p>")
        parts.append("<p><b>Was jetzt:</b> Kund:in die Entscheidung mitteilen (Bestätigungs-Insert).</p>")
    else:
        parts.append(
            f"<p><b>{PRODUCT}: {title(REVIEW_STATUS['rejected'])}</b> von {who}. "
            "In ActiveCampaign wurde nichts geändert.</p>"
        )
        parts.append("<p><b>Was jetzt:</b> Kund:in freundlich absagen und eine Alternative anbieten.</p>")
    if comment:
        parts.append(f"<p>Kommentar: {_e(comment)}</p>")
    parts.append(signature(marker))
    return "\n".join(parts)


# -- `goodwill customer` ---------------------------------------------------------------------
def prior_goodwill_why(entries: Sequence[HistoryEntry], marker_tags: Sequence[str]) -> str:
    """Why the customer has (or has no) prior goodwill, in one line of plain text."""
    reasons = [f"{h.date.isoformat()} {h.request_type} ({h.source})" for h in entries]
    reasons += [f"Tag {t}" for t in marker_tags]
    return "; ".join(reasons) or "keine angewandte Kulanz im Verlauf und kein Kulanz-Tag in ActiveCampaign"


# -- fair use: the task ticket ---------------------------------------------------------------
def _gb(value: float) -> str:
    return f"{value:g}".replace(".", ",") + " GB"


def fair_use_task(
    decision: Decision,
    pack: PolicyPack,
    *,
    customer_id: str | None,
    email: str | None,
    month: str,
    run: Sequence[tuple[str, float, float]],
    products: Sequence[str],
    today: date,
    mark: str,
) -> tuple[str, str]:
    """Subject and HTML body of the task ticket (Was – Warum – Was jetzt); `run` is (month, usage, limit)."""
    stage = decision.facts.get("stage", 0)
    who = " · ".join(p for p in (f"Nr. {customer_id}" if customer_id else None, email) if p)
    measure = MEASURE.get(decision.measure, decision.measure) if decision.measure else NO_MEASURE
    subject = f"Fair Use Stufe {stage}: {measure} – {who} ({month_de(month)}) {mark}"
    months = " · ".join(f"{month_de(m)}: {_gb(usage)} (Limit {_gb(limit)})" for m, usage, limit in run)
    listed = ", ".join(products) or "keine angegeben"
    parts = [
        f"<p><b>Kund:in:</b> {html.escape(who)}</p>",
        decision.note,
        f"<p><b>Angeschaut:</b> {html.escape(months)}. Produkte: {html.escape(listed)}.</p>",
    ]
    brief = partner_brief(decision, pack, today, customer_id or email or "")
    if brief:
        partner = html.escape(str(param(pack, "texts.partner")))
        parts.append(f"<p><b>Text für das Ticket an {partner}:</b></p><blockquote>{brief}</blockquote>")
    parts.append(
        f"<p><small>Fair-Use-Prozess, Pack {html.escape(pack.id)} {html.escape(pack.version)} "
        f"{html.escape(mark)}</small></p>"
    )
    return subject, "\n".join(parts)
