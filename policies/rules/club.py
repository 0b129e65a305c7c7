"""Club clauses: K-CLUB-PAUSE and K-CLUB-EXIT (docs/policy.md §5)."""

from __future__ import annotations

import re

from policies.dates import add_months, club_exit_date, club_exit_earliest, span_end, within_months
from policies.model import Action
from policies.reading.classification import NOT_WEIGHTY_REASONS
from policies.rules.common import (
    Context,
    Line,
    Ruling,
    ask_document_line,
    prior_for,
    prior_line,
    span_beyond,
)
from policies.vocab import ActionOp, Alternative, Outcome, RequestType

# A year in a file name, also inside a date ("Bescheid_2024.pdf", "scan_20240311.pdf").
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:[-_.]?[01]\d(?:[-_.]?[0-3]\d)?)?(?!\d)")


def _proof_current(ctx: Context, kind: str) -> bool:
    """Whether the attached proof of `kind` can carry an approved exit (K-CLUB-EXIT).

    Only the proof itself does: an attachment the reader could not place ("unspecified": another paper, or one
    the text calls old) is for the agent to look at, not a reason to end a membership by itself. A proof whose
    file name is dated before the previous calendar year is from an earlier spell, not a current one.
    """
    if kind not in ctx.facts.documents:
        return False
    files = [e.text.removeprefix("Anhang: ") for e in ctx.classification.evidence if e.label == "document"]
    if len(files) != len(ctx.facts.documents):
        return True  # cannot tell which file is the proof; the kind alone decides
    name = files[ctx.facts.documents.index(kind)]
    years = [int(m.group(1)) for m in _FILE_YEAR.finditer(name)]
    return not years or max(years) >= ctx.today.year - 1


def club_pause(ctx: Context) -> Ruling:
    reason = ctx.facts.reason
    months = ctx.param("club_pause.max_months")
    days = ctx.facts.duration_days
    latest = add_months(ctx.today, months)
    why = [Line("reason", {"reason": reason, "text": ctx.facts.reason_text})]
    facts: dict[str, object] = {"pause_latest_end": latest.isoformat()}
    if not ctx.facts.reason_weighty:
        ask = (Line("ask_reason_club_pause"),) if reason is None else ()
        return Ruling(
            Outcome.DENY, ("K-CLUB-PAUSE",), why=tuple(why), todo=(Line("deny_club_pause"),), ask=ask, facts=facts
        )
    prior = prior_for(ctx, RequestType.CLUB_PAUSE)
    why.append(prior_line(prior))
    facts["prior_goodwill"] = prior.to_dict()
    if prior.exists:
        return Ruling(
            Outcome.OFFER_ALTERNATIVE,
            ("K-3", "K-CLUB-PAUSE"),
            alternative=Alternative.COACHING_CALL,
            why=tuple(why),
            todo=(Line("point_to_prior"), Line("offer_coaching_call")),
            facts=facts,
        )
    why.append(
        Line("pause_length", {"days": days, "text": ctx.facts.duration_text, "months": months, "latest": latest})
    )
    if days is not None and not within_months(ctx.today, days, months):
        target = ctx.param("club_pause.escalate_to")
        return Ruling(
            Outcome.ESCALATE,
            ("K-CLUB-PAUSE",),
            escalate_to=target,
            why=tuple(why),
            todo=(Line("escalate", {"target": target}),),
            facts=facts,
        )
    until = span_end(ctx.today, days) if days is not None else latest
    facts["pause_until"] = until.isoformat()
    ask = (Line("ask_pause_length", {"latest": latest}),) if days is None else ()
    unsure = span_beyond(ctx, days, lambda span: not within_months(ctx.today, span, months), why)
    return Ruling(
        Outcome.APPROVE,
        ("K-CLUB-PAUSE",),
        actions=(Action("activecampaign", ActionOp.ADD_TAG, tag=ctx.param("club_pause.tag")),),
        why=tuple(why),
        todo=(Line("confirm_club_pause", {"until": until}),),
        ask=ask,
        facts=facts,
        unsure=unsure,
    )


def club_cancellation(ctx: Context) -> Ruling:
    if not ctx.facts.explicit_exit:
        return Ruling(
            Outcome.CLARIFY,
            ("K-1", "K-CLUB-EXIT"),
            why=(Line("exit_not_explicit"),),
            ask=(
                Line(
                    "question",
                    {"kind": ctx.classification.clarify or "club_exit_reason", "address": ctx.classification.address},
                ),
            ),
        )
    reason = ctx.facts.reason
    why = [Line("reason", {"reason": reason, "text": ctx.facts.reason_text})]
    start = ctx.customer.club_start_date
    years = ctx.param("club_exit.min_years")
    facts: dict[str, object] = {}
    if start is not None:
        facts["club_exit_earliest"] = club_exit_earliest(start, years).isoformat()
        facts["club_exit_date"] = club_exit_date(start, ctx.today, years).isoformat()
    if reason is None:
        return Ruling(
            Outcome.NEEDS_INFO, ("K-CLUB-EXIT",), why=tuple(why), ask=(Line("ask_reason_club_exit"),), facts=facts
        )
    documents = ctx.param("club_exit.documents")
    if reason in documents:
        kind = documents[reason]
        if not _proof_current(ctx, kind):
            return Ruling(
                Outcome.NEEDS_INFO,
                ("K-CLUB-EXIT",),
                why=tuple(why),
                ask=(ask_document_line(ctx, kind),),
                facts=facts,
            )
        why.append(Line("document_present", {"kind": kind, "docs": ctx.facts.documents}))
        exit_line = Line(
            "club_exit_at",
            {
                "start": start,
                "earliest": club_exit_earliest(start, years) if start else None,
                "exit": club_exit_date(start, ctx.today, years) if start else None,
            },
        )
        ask = (Line("missing_crm", {"field": "club_start_date"}),) if start is None else ()
        return Ruling(
            Outcome.APPROVE,
            ("K-CLUB-EXIT",),
            why=(*why, exit_line),
            todo=(Line("confidentiality_declaration"),),
            ask=ask,
            facts=facts,
        )
    if reason in NOT_WEIGHTY_REASONS or not ctx.facts.reason_weighty:
        return Ruling(Outcome.DENY, ("K-CLUB-EXIT",), why=tuple(why), todo=(Line("deny_club_exit"),), facts=facts)
    # Weighty in general (bereavement, care, ...) but not one the guideline names for an exit.
    target = ctx.param("club_exit.escalate_to")
    return Ruling(
        Outcome.ESCALATE,
        ("K-CLUB-EXIT",),
        escalate_to=target,
        why=(*why, Line("exit_reason_not_listed")),
        todo=(Line("escalate", {"target": target}),),
        facts=facts,
    )
