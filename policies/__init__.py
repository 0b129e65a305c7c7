"""Pure goodwill policy core: classification, clauses, notes. No I/O, no clock.

    decide(ticket, customer, today, pack=..., usage_overrun=..., classification=...) -> Decision

is the one entry point the worker and `goodwill decide` use.
"""
from __future__ import annotations

from datetime import date

from policies.classification import Classification
from policies.model import Customer, Decision, Ticket, UsageOverrun
from policies.pack import PolicyPack, load_pack
from policies.validators import describe_pack, within_authority

__all__ = ["decide", "describe_pack", "within_authority"]


def decide(
    ticket: Ticket | None,
    customer: Customer,
    today: date,
    *,
    pack: PolicyPack | None = None,
    usage_overrun: UsageOverrun | None = None,
    classification: Classification | None = None,
) -> Decision:
    """Decide one case: classify the ticket (unless a classification is given), apply the clauses,
    render the note. With `usage_overrun` the fair-use ladder decides instead (no ticket needed)."""
    # Imported here so that `policies.pack` can import `policies.validators` without a cycle.
    from policies import note, rules
    from policies.rules_common import Context

    pack = pack or load_pack("goodwill")
    if usage_overrun is not None:
        from policies.fair_use import decide_fair_use

        return decide_fair_use(customer, usage_overrun, today, pack)
    if ticket is None:
        raise ValueError("decide() needs a ticket or a usage_overrun")
    extra: dict[str, object] = {}
    if classification is None:
        from policies.classify import classify

        classification = classify(ticket, pack)
        extra["classifier"] = _classifier_version()
    ctx = Context(ticket=ticket, customer=customer, today=today, pack=pack, classification=classification)
    request_type, ruling = rules.rule(ctx)
    facts = {**classification.facts.to_dict(), **ruling.facts, **extra,
             "within_authority": within_authority(pack, request_type, ruling.outcome)}
    return Decision(
        request_type=request_type,
        outcome=ruling.outcome,
        abusive=classification.abusive or request_type == "abuse",
        severity=classification.severity,
        alternative=ruling.alternative,
        escalate_to=ruling.escalate_to,
        clauses=ruling.clauses,
        actions=ruling.actions,
        note=note.render_note(ctx, request_type, ruling),
        evidence=classification.evidence,
        facts=facts,
        pack_id=pack.id,
        pack_version=pack.version,
        confidence=classification.confidence,
    )


def _classifier_version() -> str:
    from policies.classify import CLASSIFIER_VERSION

    return CLASSIFIER_VERSION
