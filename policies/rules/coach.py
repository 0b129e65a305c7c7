"""intueat Coach training clauses: K-COACH-REFUND, K-COACH-EXT-6W, K-COACH-EXT-LONG (docs/policy.md §5)."""

from __future__ import annotations

from datetime import date

from policies.dates import add_days, coach_round_is_v2
from policies.model import Action, HistoryEntry
from policies.rules.common import Context, Line, Ruling, ask_document_line, documents_present, span_beyond
from policies.vocab import ActionOp, Alternative, Outcome, RequestType


def coach_refund(ctx: Context) -> Ruling:
    reason = ctx.facts.reason
    illness = reason in ctx.param("coach_refund.illness_reasons")
    why = [Line("coach_no_guarantee"), Line("reason", {"reason": reason, "text": ctx.facts.reason_text})]
    if illness and documents_present(ctx, "attest"):
        target = ctx.param("coach_refund.escalate_to")
        why.append(Line("document_present", {"kind": "attest", "docs": ctx.facts.documents}))
        return Ruling(
            Outcome.ESCALATE,
            ("K-COACH-REFUND",),
            escalate_to=target,
            why=tuple(why),
            todo=(Line("suggest_pause_or_later_group"), Line("escalate", {"target": target})),
        )
    if illness:
        return Ruling(
            Outcome.NEEDS_INFO,
            ("K-COACH-REFUND",),
            why=tuple(why),
            ask=(ask_document_line(ctx, "attest"),),
            todo=(Line("suggest_pause_or_later_group"),),
        )
    return Ruling(
        Outcome.OFFER_ALTERNATIVE,
        ("K-COACH-REFUND",),
        alternative=Alternative.PAUSE_OR_LATER_GROUP,
        why=tuple(why),
        todo=(Line("suggest_pause_or_later_group"),),
    )


def _earlier_coach_extensions(ctx: Context) -> tuple[tuple[str, ...], tuple[HistoryEntry, ...]]:
    prior_tags = {t.lower() for t in ctx.param("coach_extension.prior_tags")}
    tags = tuple(t for t in ctx.customer.tags if t.lower() in prior_tags)
    entries = tuple(
        e
        for e in ctx.customer.history
        if e.request_type == RequestType.COACH_EXTENSION
        and e.outcome == Outcome.APPROVE
        and e.applied
        and e.date <= ctx.today
    )
    return tags, entries


def _long(ctx: Context, why: list[Line], facts: dict[str, object]) -> Ruling:
    target = ctx.param("coach_extension.escalate_to")
    return Ruling(
        Outcome.ESCALATE,
        ("K-COACH-EXT-LONG",),
        escalate_to=target,
        why=tuple(why),
        todo=(
            Line("ofd_with_proposal", {"target": target}),
            Line("long_tags_after_approval", {"tags": ctx.param("coach_extension.long_tags")}),
        ),
        ask=(Line("ask_reasons_and_attests"),),
        facts=facts,
    )


def _six_week_actions(
    ctx: Context, round_start: date
) -> tuple[tuple[Action, ...], tuple[Line, ...], dict[str, object]]:
    """The AC changes for the 6 weeks, or the missing end dates (which make it `needs_info`)."""
    days = ctx.param("coach_extension.days")
    if not coach_round_is_v2(round_start, ctx.param("coach_extension.v2_start")):
        tags = ctx.param("coach_extension.legacy_tags")
        return tuple(Action("activecampaign", ActionOp.ADD_TAG, tag=t) for t in tags), (), {"coach_round": "legacy"}
    actions: list[Action] = []
    missing: list[Line] = []
    facts: dict[str, object] = {"coach_round": "v2"}
    for name in ctx.param("coach_extension.v2_fields"):
        current = getattr(ctx.customer, name)
        if current is None:
            missing.append(Line("missing_crm", {"field": name}))
            continue
        new = add_days(current, days)
        facts[f"new_{name}"] = new.isoformat()
        actions.append(Action("activecampaign", ActionOp.SET_FIELD, field=name, value=new.isoformat()))
    return tuple(actions), tuple(missing), facts


def _asked_until(ctx: Context) -> tuple[date, int] | None:
    """The latest day the mail asks time until ("bis zum 10. Juli", "bis Ende Juni") after the current coach end date,
    and how many days past that end it lies. A trainee names the current deadline too ("meine Frist ist der 31.
    Mai"): it is not after the end date."""
    end = ctx.customer.coach_end_date
    if end is None:
        return None
    later = [d for d in (*ctx.facts.dates_asked, ctx.facts.duration_until) if d is not None and d > end]
    if not later:
        return None
    target = max(later)
    return target, (target - end).days


def coach_extension(ctx: Context) -> Ruling:
    days = ctx.param("coach_extension.days")
    asked = ctx.facts.duration_days
    tags, entries = _earlier_coach_extensions(ctx)
    claimed = ctx.facts.prior_claimed  # "ihr habt mir im Herbst schon sechs Wochen geschenkt": an earlier ticket
    facts: dict[str, object] = {"earlier_coach_extension": bool(tags or entries or claimed), "asked_days": asked}
    why = [Line("coach_access")]
    if tags or entries or claimed:
        why.append(Line("coach_already_extended", {"tags": tags, "entries": entries, "claimed": claimed}))
        return _long(ctx, why, facts)
    if ctx.facts.duration_until is not None and ctx.customer.coach_end_date is not None:
        # "bis Ende Juni" was counted in months from the mail; an extension runs on from the end date (below)
        asked = None
    until = _asked_until(ctx)
    if until is not None and (asked is None or until[1] > asked):
        # "Wenn ich bis zum 10. Juli Zeit bekäme": a day named past the current end is the new end asked for
        asked = until[1]
        facts.update(asked_days=asked, asked_until=until[0].isoformat())
    else:
        until = None
    if asked is not None and asked > days:
        text = None if until else ctx.facts.duration_text
        why.append(
            Line(
                "coach_asked_longer", {"days": asked, "text": text, "limit": days, "until": until[0] if until else None}
            )
        )
        return _long(ctx, why, facts)
    reason = ctx.facts.reason
    why.append(Line("reason", {"reason": reason, "text": ctx.facts.reason_text}))
    if reason is None:
        return Ruling(
            Outcome.NEEDS_INFO, ("K-COACH-EXT-6W",), why=tuple(why), ask=(Line("ask_reason_coach"),), facts=facts
        )
    if not ctx.facts.reason_weighty:
        return Ruling(
            Outcome.OFFER_ALTERNATIVE,
            ("K-2", "K-COACH-EXT-6W"),
            alternative=Alternative.COACHING_CALL,
            why=tuple(why),
            todo=(Line("offer_coaching_call_exam"),),
            facts=facts,
        )
    round_start = ctx.customer.coach_round_start
    if round_start is None:
        return Ruling(
            Outcome.NEEDS_INFO,
            ("K-COACH-EXT-6W",),
            why=tuple(why),
            ask=(Line("missing_crm", {"field": "coach_round_start"}),),
            facts=facts,
        )
    actions, missing, more = _six_week_actions(ctx, round_start)
    facts.update(more)
    why.append(
        Line(
            "coach_round",
            {
                "start": round_start,
                "v2": more["coach_round"] == "v2",
                "boundary": ctx.param("coach_extension.v2_start"),
            },
        )
    )
    if missing:
        # Moving only one of the two end dates would leave COACH and PRO access out of step.
        return Ruling(Outcome.NEEDS_INFO, ("K-COACH-EXT-6W",), why=tuple(why), ask=missing, facts=facts)
    inserts = (ctx.param("inserts.coach_extension_offer"), ctx.param("inserts.coach_extension_done"))
    unsure = span_beyond(ctx, asked, lambda span: span > days, why)
    return Ruling(
        Outcome.APPROVE,
        ("K-COACH-EXT-6W",),
        actions=actions,
        why=tuple(why),
        todo=(Line("send_inserts", {"inserts": inserts}),),
        facts=facts,
        unsure=unsure,
    )
