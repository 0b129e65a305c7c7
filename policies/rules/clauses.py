"""The goodwill clauses of docs/policy.md §5, dispatched by request type.

`rule(ctx)` returns the final request type and the `Ruling`: the clause modules decide the
request, `rules/abuse.py` puts A-1..A-3 on top. The clause texts live in the per-area modules.
"""

from __future__ import annotations

from collections.abc import Callable

from policies.rules.abuse import overlay
from policies.rules.club import club_cancellation, club_pause
from policies.rules.coach import coach_extension, coach_refund
from policies.rules.common import Context, Line, Ruling
from policies.rules.program import program_extension, program_pause, program_return
from policies.vocab import Outcome, RequestType

CLAUSE_IDS: tuple[str, ...] = (
    "K-1",
    "K-2",
    "K-3",
    "K-EXT-1",
    "K-EXT-2",
    "K-EXT-3",
    "K-PAUSE",
    "K-RET-30",
    "K-RET-LATE",
    "K-CLUB-PAUSE",
    "K-CLUB-EXIT",
    "K-COACH-REFUND",
    "K-COACH-EXT-6W",
    "K-COACH-EXT-LONG",
    "A-1",
    "A-2",
    "A-3",
)

HANDLERS: dict[str, Callable[[Context], Ruling]] = {
    RequestType.PROGRAM_EXTENSION: program_extension,
    RequestType.PROGRAM_PAUSE: program_pause,
    RequestType.PROGRAM_RETURN: program_return,
    RequestType.CLUB_PAUSE: club_pause,
    RequestType.CLUB_CANCELLATION: club_cancellation,
    RequestType.COACH_REFUND: coach_refund,
    RequestType.COACH_EXTENSION: coach_extension,
}


def clarify(ctx: Context) -> Ruling:
    """K-1: a goodwill wish that is not unambiguous is clarified with the customer first."""
    return Ruling(
        Outcome.CLARIFY,
        ("K-1",),
        why=(Line("request_unclear"),),
        ask=(Line("question", {"text": ctx.classification.clarifying_question, "topic": "general"}),),
    )


def no_action(ctx: Context) -> Ruling:
    return Ruling(Outcome.NO_ACTION, (), why=(Line("not_goodwill"),))


def evaluate(ctx: Context, request_type: str) -> Ruling | None:
    """The ruling on the request itself; None when the message asks for nothing (abuse only)."""
    if request_type in HANDLERS:
        return HANDLERS[request_type](ctx)
    if request_type == RequestType.UNCLEAR:
        return clarify(ctx)
    if request_type == RequestType.ABUSE:
        return None
    # `other`, and `fair_use` read from a ticket (fair use is decided from usage events only).
    return no_action(ctx)


def rule(ctx: Context) -> tuple[str, Ruling]:
    cls = ctx.classification
    abusive = cls.abusive or cls.request_type == RequestType.ABUSE
    if not abusive:
        inner = evaluate(ctx, cls.request_type)
        assert inner is not None  # only `abuse` asks for nothing, and that is abusive
        return cls.request_type, inner
    # An abusive message that asks for nothing else (`other`) is an abuse case.
    asks = cls.request_type not in (RequestType.ABUSE, RequestType.OTHER)
    return overlay(ctx, cls.request_type, evaluate(ctx, cls.request_type) if asks else None)
