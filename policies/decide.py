"""The two entry points of the pure policy core. No I/O, no clock: today's date is passed in.

    decide_ticket(ticket, customer, today, pack=..., classification=...)  -> Decision
    decide_overrun(customer, overrun, today, pack=...)                    -> Decision

The worker and `goodwill decide` call these; `decide()` picks one for a CASE.json (docs/policy.md §6).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from policies.model import Customer, Decision, Ticket, UsageOverrun
from policies.pack.loader import PolicyPack, load_pack
from policies.pack.params import param, within_authority
from policies.reading.agreement import choose_type, hold, hold_unsure_approval, raise_abuse, read_both_for
from policies.reading.classification import Classification
from policies.reading.classify import classify, reads_more_facts
from policies.reading.follow_up import answers_open_request, answers_our_question, open_request
from policies.render import note, notes
from policies.rules import clauses
from policies.rules.common import Context
from policies.rules.fair_use import decide_fair_use
from policies.vocab import RequestType


def decide_ticket(
    ticket: Ticket,
    customer: Customer,
    today: date,
    *,
    pack: PolicyPack | None = None,
    classification: Classification | None = None,
) -> Decision:
    """Classify the ticket (unless a classification is given), apply the clauses, render the note."""
    pack = pack or load_pack("goodwill")
    if classification is None:
        classification = classify(ticket, pack)
    asked = open_request(ticket, customer, today)
    answered = answers_open_request(classification, asked)
    if answered is not classification:
        # a reply bringing what we asked for ("anbei die Bescheinigung"): the open request, its facts read for it
        classification = replace(answered, facts=classify(ticket, pack, facts_for=answered.request_type).facts)
    reading = read_both_for(ticket, classification, pack)
    chosen = choose_type(classification, reading, float(param(pack, "reading.model_overrules")))
    if reads_more_facts(classification.request_type, chosen.request_type):
        # the second reader named a wish whose facts the rule reader did not read for the type it found: the
        # clauses shown to the person who confirms it rest on the reason and spans the mail gives
        chosen = replace(chosen, facts=classify(ticket, pack, facts_for=chosen.request_type).facts)
    if answers_our_question(asked, chosen.request_type) and not chosen.facts.explicit_exit:
        # the exit was asked in the mail we answered, or is what the customer says our question was about
        chosen = replace(chosen, facts=replace(chosen.facts, explicit_exit=True))
    classification = raise_abuse(chosen, reading)
    ctx = Context(ticket=ticket, customer=customer, today=today, pack=pack, classification=classification)
    request_type, ruling = clauses.rule(ctx)
    reading = hold_unsure_approval(reading, ruling.outcome, float(param(pack, "reading.approve_confidence")))
    reading = hold(reading, ruling.unsure)
    banner = "" if reading.agreed else notes.uncertain_banner(reading.to_dict())
    body = note.render_note(ctx, request_type, ruling, banner, notes.uncertain_banner_short() if banner else "")
    facts = {
        **classification.facts.to_dict(),
        **ruling.facts,
        "classifier": classification.reader_version,
        "model": reading.model.version,
        "within_authority": within_authority(pack, request_type, ruling.outcome),
    }
    return Decision(
        request_type=request_type,
        outcome=ruling.outcome,
        abusive=classification.abusive or request_type == RequestType.ABUSE,
        severity=classification.severity,
        alternative=ruling.alternative,
        escalate_to=ruling.escalate_to,
        clauses=ruling.clauses,
        actions=ruling.actions,
        note=body,
        evidence=classification.evidence,
        facts=facts,
        pack_id=pack.id,
        pack_version=pack.version,
        confidence=classification.confidence,
        reading=reading.to_dict(),
    )


def decide_overrun(
    customer: Customer, overrun: UsageOverrun, today: date, *, pack: PolicyPack | None = None
) -> Decision:
    """The fair-use ladder (seed 004) for one usage overrun: no ticket to read."""
    return decide_fair_use(customer, overrun, today, pack or load_pack("fair-use"))


def decide(
    ticket: Ticket | None,
    customer: Customer,
    today: date,
    *,
    pack: PolicyPack | None = None,
    usage_overrun: UsageOverrun | None = None,
    classification: Classification | None = None,
) -> Decision:
    """One case of either kind, as a CASE.json holds it: `usage_overrun` or `ticket`, not both."""
    if usage_overrun is not None:
        return decide_overrun(customer, usage_overrun, today, pack=pack or load_pack("goodwill"))
    if ticket is None:
        raise ValueError("decide() needs a ticket or a usage_overrun")
    return decide_ticket(ticket, customer, today, pack=pack, classification=classification)
