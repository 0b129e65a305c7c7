"""Program clauses: K-EXT-1/2/3 (extension, restart), K-PAUSE, K-RET-30 / K-RET-LATE (docs/policy.md §5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from policies.dates import add_weeks, day_count
from policies.model import Action
from policies.rules.common import Context, Line, Ruling, prior_for, prior_line
from policies.vocab import ActionOp, Alternative, Outcome, RequestType


def _extension_actions(ctx: Context, end: date) -> tuple[Action, ...]:
    new_end = add_weeks(end, ctx.param("extension.weeks"))
    return (
        Action("activecampaign", ActionOp.ADD_TAG, tag=ctx.param("extension.tag")),
        Action("activecampaign", ActionOp.SET_FIELD, field="program_end_date", value=new_end.isoformat()),
    )


def program_extension(ctx: Context) -> Ruling:
    prior = prior_for(ctx, RequestType.PROGRAM_EXTENSION)
    end = ctx.customer.program_end_date
    why = [prior_line(prior)]
    if ctx.facts.timing_not_right:
        why.append(Line("timing_not_right"))
    facts: dict[str, Any] = {"prior_goodwill": prior.to_dict()}
    if prior.count >= ctx.param("extension.deny_from_prior"):
        return Ruling(
            Outcome.DENY,
            ("K-3", "K-EXT-3"),
            alternative=Alternative.CLUB_MEMBERSHIP,
            why=tuple(why),
            todo=(Line("deny_extension_club"),),
            facts=facts,
        )
    if prior.exists:
        return Ruling(
            Outcome.OFFER_ALTERNATIVE,
            ("K-3", "K-EXT-2"),
            alternative=Alternative.COACHING_CALL,
            why=tuple(why),
            todo=(Line("point_to_prior"), Line("offer_coaching_call"), Line("second_extension_option")),
            facts=facts,
        )
    if end is None:
        return Ruling(
            Outcome.NEEDS_INFO,
            ("K-EXT-1",),
            why=tuple(why),
            ask=(Line("missing_crm", {"field": "program_end_date"}),),
            facts=facts,
        )
    weeks = ctx.param("extension.weeks")
    why.append(Line("program_end", {"end": end, "today": ctx.today}))
    facts["new_program_end_date"] = add_weeks(end, weeks).isoformat()
    # K-EXT-1 allows a first extension; K-EXT-2 calls a goodwill restart an exception at the agent's judgement. Read
    # independently, the contract gives both, so a first restart is decided as K-EXT-1 and a person confirms it.
    restart = ctx.facts.restart
    if restart:
        why.append(Line("restart"))
    return Ruling(
        Outcome.APPROVE,
        ("K-EXT-1",),
        actions=_extension_actions(ctx, end),
        why=tuple(why),
        todo=(Line("confirm_extension", {"weeks": weeks, "new_end": add_weeks(end, weeks)}),),
        facts=facts,
        unsure=("restart",) if restart else (),
    )


def program_pause(ctx: Context) -> Ruling:
    prior = prior_for(ctx, RequestType.PROGRAM_PAUSE)
    reason = ctx.facts.reason
    weighty = reason in ctx.param("pause.weighty_reasons")
    why = [
        Line("pause_impossible"),
        Line("reason", {"reason": reason, "text": ctx.facts.reason_text}),
        prior_line(prior),
    ]
    facts = {"prior_goodwill": prior.to_dict(), "reason_weighty_for_pause": weighty}
    if weighty and not prior.exists:
        end = ctx.customer.program_end_date
        weeks = ctx.param("extension.weeks")
        offer = Line("offer_extension_instead", {"weeks": weeks, "new_end": add_weeks(end, weeks) if end else None})
        ask = () if end else (Line("missing_crm", {"field": "program_end_date"}),)
        return Ruling(
            Outcome.OFFER_ALTERNATIVE,
            ("K-PAUSE",),
            alternative=Alternative.EXTENSION,
            why=tuple(why),
            todo=(offer,),
            ask=ask,
            facts=facts,
        )
    k3 = prior.exists and weighty
    todo = (Line("point_to_prior"), Line("offer_coaching_call")) if k3 else (Line("offer_coaching_call"),)
    ask = (Line("ask_reason_pause"),) if reason is None else ()
    return Ruling(
        Outcome.OFFER_ALTERNATIVE,
        ("K-3", "K-PAUSE") if k3 else ("K-PAUSE",),
        alternative=Alternative.COACHING_CALL,
        why=tuple(why),
        todo=todo,
        ask=ask,
        facts=facts,
    )


def first_return_wish(ctx: Context) -> tuple[date, str]:
    """The first written return wish: this ticket or an earlier one (history), whichever came first.

    Earlier return requests dated before the purchase belong to another purchase and are ignored.
    """
    purchase = ctx.customer.program_purchase_date
    wish, source = ctx.ticket_date, "ticket"
    for e in ctx.customer.history:
        if e.request_type != RequestType.PROGRAM_RETURN or (purchase and e.date < purchase):
            continue
        if e.date < wish:
            wish, source = e.date, "history"
    return wish, source


def program_return(ctx: Context) -> Ruling:
    purchase = ctx.customer.program_purchase_date
    window = ctx.param("return.window_days")
    if purchase is None:
        return Ruling(
            Outcome.NEEDS_INFO, ("K-RET-LATE",), why=(Line("purchase_unknown"),), ask=(Line("ask_purchase_date"),)
        )
    wish, source = first_return_wish(ctx)
    days = day_count(purchase, wish)
    facts = {
        "first_return_wish": wish.isoformat(),
        "first_return_wish_source": source,
        "day_count": days,
        "window_days": window,
    }
    # The earlier ticket the first wish came from, so the note can name it ("laut Ticket #4711").
    wish_entry = next(
        (
            e
            for e in ctx.customer.history
            if source == "history" and e.request_type == RequestType.PROGRAM_RETURN and e.date == wish
        ),
        None,
    )
    why = [
        Line(
            "return_days",
            {
                "purchase": purchase,
                "wish": wish,
                "days": days,
                "window": window,
                "source": source,
                "wish_source": wish_entry.source if wish_entry else None,
                "wish_ticket": wish_entry.ticket_number if wish_entry else None,
            },
        )
    ]
    if days < 0:
        return Ruling(
            Outcome.NEEDS_INFO, ("K-RET-30",), why=tuple(why), ask=(Line("purchase_after_wish"),), facts=facts
        )
    if days <= window:
        return Ruling(Outcome.APPROVE, ("K-RET-30",), why=tuple(why), todo=(Line("confirm_return"),), facts=facts)
    special = ctx.facts.reason in ctx.param("return.special_reasons")
    if ctx.facts.strong_dissatisfaction or special:
        why.append(
            Line(
                "return_special",
                {"reason": ctx.facts.reason if special else None, "dissatisfied": ctx.facts.strong_dissatisfaction},
            )
        )
        target = ctx.param("return.escalate_to")
        return Ruling(
            Outcome.ESCALATE,
            ("K-RET-LATE",),
            escalate_to=target,
            why=tuple(why),
            todo=(Line("escalate", {"target": target}),),
            facts=facts,
        )
    return Ruling(Outcome.DENY, ("K-RET-LATE",), why=tuple(why), todo=(Line("deny_return_late"),), facts=facts)
