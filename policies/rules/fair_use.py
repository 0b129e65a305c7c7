"""Fair use (seed 004, telecom tenant): the measure for a customer over the limits, by month.

Month 1 → `sms_1`, month 2 → `sms_2`, month 3+ → `migrate` (priority), `terminate` only when the
migration is refused or impossible, and never for a customer with Mobile-TV or a combo product
(`no_termination`). The outcome is `approve` for every measure: the measure *is* the policy's
answer and the team carries it out; `measure` says which one. The seed has no clause ids, so the
decision cites FU-1, FU-2, FU-3 and FU-TV (the Mobile-TV/combo exception).

The stage comes from the customer's monthly usage (`fair_use_for`): the run of consecutive months
over the limit that ends with the month decided. A month within the limit ends a run, and so does
a month with no data: the measures grow towards a termination, so every month of a run must be a
reported overrun, not a guess. The tenant's own names (SMS, QMC, the partner KNU, the letters) come
from the pack's [texts].
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from policies.dates import add_days, end_of_month, format_de
from policies.model import Customer, Decision, FairUse, UsageOverrun
from policies.pack.loader import PolicyPack
from policies.pack.params import param
from policies.render.labels import MEASURE, NO_MEASURE
from policies.vocab import Measure, Outcome, RequestType

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # ASCII digits: "２０２６-１０" is no second spelling of 2026-10


# -- the customer's months ----------------------------------------------------------------------
@dataclass(frozen=True)
class UsageMonth:
    """One reported month of one customer: usage against the limit (same unit, e.g. GB)."""

    month: str  # "YYYY-MM"
    usage: float
    limit: float
    products: tuple[str, ...] = ()
    migration_refused: bool = False
    migration_impossible: bool = False

    @property
    def over_limit(self) -> bool:
        return self.usage > self.limit


def month_index(month: str) -> int:
    """'2026-11' → a running month number (consecutive months differ by 1). ValueError if invalid."""
    m = _MONTH.match(month or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"invalid month {month!r} (expected YYYY-MM)")
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_name(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_de(month: str) -> str:
    """'2026-11' → '11.2026' (how the team writes a month)."""
    return f"{month[5:7]}.{month[:4]}"


def overrun_run(history: Iterable[UsageMonth], month: str) -> tuple[UsageMonth, ...]:
    """The consecutive months over the limit ending with `month`, newest first (empty if `month`
    is within the limit or has no data). Later months in `history` are not looked at."""
    by_month = {m.month: m for m in history}
    run: list[UsageMonth] = []
    index = month_index(month)
    while (row := by_month.get(month_name(index))) is not None and row.over_limit:
        run.append(row)
        index -= 1
    return tuple(run)


def fair_use_for(history: Iterable[UsageMonth], month: str) -> FairUse:
    """The policy's view of one customer in `month`, from their reported months.

    Products are this month's. A refused or impossible migration reported in any month of the
    current run still counts: the customer is not offered a migration again every month.
    """
    rows = tuple(history)
    current = next((r for r in rows if r.month == month), None)
    run = overrun_run(rows, month)
    return FairUse(
        months_over_limit=len(run),
        products=current.products if current else (),
        migration_refused=any(r.migration_refused for r in run),
        migration_impossible=any(r.migration_impossible for r in run),
    )


# -- the measure --------------------------------------------------------------------------------
def protected_products(fair_use: FairUse, pack: PolicyPack) -> tuple[str, ...]:
    """Products that rule out a termination (Mobile-TV, combo/Kombi/AiO), matched on words."""
    cues = [
        r"[\s\-_]*".join(re.escape(w) for w in re.split(r"[^a-z0-9]+", c.lower()) if w)
        for c in param(pack, "fair_use.protected_products")
    ]
    rx = re.compile(rf"(?<![a-z0-9])(?:{'|'.join(cues)})", re.I)
    return tuple(p for p in fair_use.products if rx.search(p))


def measure_for(fair_use: FairUse, pack: PolicyPack) -> tuple[Measure | None, tuple[str, ...]]:
    months = fair_use.months_over_limit
    if months < 1:
        return None, ()
    if months == 1:
        return Measure.SMS_1, ("FU-1",)
    if months == 2:
        return Measure.SMS_2, ("FU-2",)
    if not (fair_use.migration_refused or fair_use.migration_impossible):
        return Measure.MIGRATE, ("FU-3",)
    if protected_products(fair_use, pack):
        return Measure.NO_TERMINATION, ("FU-3", "FU-TV")
    return Measure.TERMINATE, ("FU-3",)


# -- the German texts ---------------------------------------------------------------------------
def _texts(pack: PolicyPack) -> dict[str, str]:
    names = ("team", "partner", "sms_1", "sms_2", "history", "migration_letter", "termination_letter", "controlling")
    return {n: html.escape(str(param(pack, f"texts.{n}"))) for n in names}


def _migration_from(today: date) -> str:
    return format_de(add_days(end_of_month(today), 1))


def _steps(measure: str | None, t: dict[str, str], protected: tuple[str, ...], today: date) -> list[str]:
    third = [
        f"Ist {t['partner']} nicht einverstanden: Mehrnutzung ab Entscheid an {t['partner']} verrechnen, "
        f"{t['controlling']} informieren."
    ]
    return {
        None: ["Nichts zu tun."],
        "sms_1": [f"{t['sms_1']} senden.", f"{t['history']} machen (SMS nachvollziehbar)."],
        "sms_2": [
            f"{t['sms_2']} senden.",
            f"{t['history']} machen (SMS nachvollziehbar).",
            f"Ticket z.H. {t['partner']} eröffnen: Kund:in kontaktieren, Fair Use erklären, Folgen nennen.",
        ],
        "migrate": [
            "Produkte und Umsätze prüfen, Entscheid bestätigen.",
            f"Migration auf anderen Preisplan ab {_migration_from(today)}.",
            f"Ticket mit Begründung an {t['partner']}, {t['migration_letter']} mitsenden.",
            *third,
        ],
        "terminate": [
            "Produkte und Umsätze prüfen, Entscheid bestätigen.",
            f"Kündigung Mobilanschluss auf {format_de(end_of_month(today))}, ohne Kosten für Kund:in.",
            f"Ticket mit Begründung an {t['partner']}, {t['termination_letter']} mitsenden.",
            *third,
        ],
        "no_termination": [
            f"Nicht kündigen: Kund:in hat {html.escape(', '.join(protected))}.",
            f"Ticket mit Begründung an {t['partner']}: weiteres Vorgehen klären.",
            *third,
        ],
    }[measure]


def _why(measure: str | None, fu: FairUse) -> str:
    n = fu.months_over_limit
    why = f"{n}. Monat in Folge über dem Limit." if n >= 1 else "Kein Monat über dem Limit."
    if measure in (Measure.TERMINATE, Measure.NO_TERMINATION):
        why += " Migration " + ("abgelehnt." if fu.migration_refused else "nicht möglich.")
    if measure == Measure.NO_TERMINATION:
        why += " Mobile-TV/Kombi: keine Kündigung."
    return why


def _note(measure: str | None, fu: FairUse, protected: tuple[str, ...], today: date, pack: PolicyPack) -> str:
    stage = min(fu.months_over_limit, 3)
    what = f"Fair Use, Stufe {stage}: {MEASURE[measure]}." if measure else f"Fair Use: {NO_MEASURE}."
    steps = _steps(measure, _texts(pack), protected, today)
    return (
        f"<p><b>Was:</b> {what}</p><p><b>Warum:</b> {_why(measure, fu)}</p>"
        "<p><b>Was jetzt:</b></p><ul>" + "".join(f"<li>{s}</li>" for s in steps) + "</ul>"
    )


def partner_brief(decision: Decision, pack: PolicyPack, today: date, customer_ref: str) -> str | None:
    """The text for the ticket to the partner (KNU) at stages 2 and 3; None at stage 1."""
    measure, facts = decision.measure, decision.facts
    if measure not in (Measure.SMS_2, Measure.MIGRATE, Measure.TERMINATE, Measure.NO_TERMINATION):
        return None
    t = _texts(pack)
    who = f"Kund:in {html.escape(customer_ref)}"
    month = month_de(str(facts.get("month", "")))
    n = facts.get("months_over_limit", 0)
    if measure == Measure.SMS_2:
        return (
            f"{who} war im {month} den {n}. Monat in Folge über den Fair-Use-Limiten. Bitte Kund:in kontaktieren: "
            "erklären, wieso es die Fair-Use-Policy gibt, Verständnis zeigen, mögliche Folgen nennen "
            "(Migration auf einen Tarif, der die Nutzung verrechnet, oder Kündigung). Wenn passend: "
            f"Internetprodukt oder AiO-Produkt anbieten. Feedback bitte per Ticket an {t['team']}."
        )
    decided = {
        "migrate": f"Migration auf einen anderen Preisplan ab {_migration_from(today)}. {t['migration_letter']} anbei, "
        "bitte an Kund:in senden.",
        "terminate": f"Kündigung Mobilanschluss auf {format_de(end_of_month(today))}, ohne Kosten für Kund:in. "
        f"{t['termination_letter']} anbei, bitte an Kund:in senden.",
        "no_termination": "keine Kündigung (Mobile-TV/Kombi: "
        f"{html.escape(', '.join(facts.get('protected_products') or []))}); weiteres Vorgehen bitte mit uns klären.",
    }[measure]
    return (
        f"{who} war im {month} den {n}. Monat in Folge über den Fair-Use-Limiten. Entscheid {t['team']}: {decided} "
        "Bitte per Ticket Rückmeldung, ob ihr einverstanden seid. Wenn nicht, wird euch ab Entscheid die "
        "Mehrnutzung über den Limiten verrechnet."
    )


def decide_fair_use(customer: Customer, overrun: UsageOverrun, today: date, pack: PolicyPack) -> Decision:
    fu = customer.fair_use
    if fu is None:
        raise ValueError("a usage_overrun needs customer.fair_use")
    measure, clauses = measure_for(fu, pack)
    protected = protected_products(fu, pack)
    return Decision(
        request_type=RequestType.FAIR_USE,
        outcome=Outcome.APPROVE if measure else Outcome.NO_ACTION,
        measure=measure,
        clauses=clauses,
        note=_note(measure, fu, protected, today, pack),
        facts={
            "month": overrun.month,
            "months_over_limit": fu.months_over_limit,
            "stage": min(fu.months_over_limit, 3),
            "products": list(fu.products),
            "protected_products": list(protected),
            "migration_refused": fu.migration_refused,
            "migration_impossible": fu.migration_impossible,
        },
        pack_id=pack.id,
        pack_version=pack.version,
    )
