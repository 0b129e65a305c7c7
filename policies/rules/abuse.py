"""Abusive messages: A-1 (flag, stay calm, still solve), A-2 (supervisor), A-3 (consequence ladder)."""

from __future__ import annotations

from dataclasses import replace

from policies.rules.common import Context, Line, Ruling, abuse_incidents
from policies.vocab import Outcome, RequestType, Severity

ABUSE_CLAUSES = ("A-1", "A-2", "A-3")


def ladder_step(ctx: Context, severe: bool) -> tuple[str, int]:
    """A-3: the recommended consequence and the number of earlier incidents it is based on.

    The n-th incident (n earlier ones in the history) gets step n of the ladder, capped at the
    last step; a threat or hate speech starts at least at `abuse.severe_min_step`.
    """
    ladder = ctx.param("abuse.ladder")
    earlier = abuse_incidents(ctx.customer, ctx.today)
    index = min(earlier, len(ladder) - 1)
    if severe:
        index = max(index, ctx.param("abuse.severe_min_step"))
    return ladder[index], earlier


def overlay(ctx: Context, request_type: str, inner: Ruling | None) -> tuple[str, Ruling]:
    """Combine the abuse clauses with the ruling on the actual request (`inner`, None if none)."""
    severe = ctx.classification.severity == Severity.SEVERE
    step, earlier = ladder_step(ctx, severe)
    target = ctx.param("abuse.escalate_to")
    evidence = next((e.text for e in ctx.classification.evidence if e.label.startswith("abus")), None)
    why = Line("abuse", {"severe": severe, "evidence": evidence})
    todo = Line("abuse_handling", {"severe": severe, "step": step, "incident": earlier + 1})
    facts = {"abuse_step": step, "abuse_earlier_incidents": earlier}
    if inner is None:
        return RequestType.ABUSE, Ruling(
            Outcome.ESCALATE, ABUSE_CLAUSES, escalate_to=target, why=(why,), todo=(todo,), facts=facts
        )
    if severe:
        # The request waits until the supervisor has looked at the threat; nothing is applied.
        matter = Line(
            "matter_after_review",
            {
                "outcome": inner.outcome,
                "clauses": inner.clauses,
                "alternative": inner.alternative,
                "escalate_to": inner.escalate_to,
            },
        )
        return request_type, Ruling(
            Outcome.ESCALATE,
            (*ABUSE_CLAUSES, *inner.clauses),
            escalate_to=target,
            why=(why, *inner.why),
            todo=(todo, matter),
            ask=inner.ask,
            facts={**inner.facts, **facts},
        )
    return request_type, replace(
        inner,
        clauses=(*inner.clauses, *ABUSE_CLAUSES),
        why=(why, *inner.why),
        todo=(*inner.todo, todo),
        facts={**inner.facts, **facts},
    )
