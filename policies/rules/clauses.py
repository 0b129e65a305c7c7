"""The goodwill clauses of docs/policy.md §5, dispatched by request type.

`rule(ctx)` returns the final request type and the `Ruling`: the clause modules decide the
request, `rules/abuse.py` puts A-1..A-3 on top. The clause texts live in the per-area modules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from policies.reading.text import fold
from policies.rules.abuse import overlay
from policies.rules.club import club_cancellation, club_pause
from policies.rules.coach import coach_extension, coach_refund
from policies.rules.common import Context, Line, Ruling
from policies.rules.program import program_extension, program_pause, program_return
from policies.vocab import NOT_GOODWILL, Outcome, RequestType

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


def owned_products(ctx: Context) -> frozenset[str]:
    """The products the CRM shows the customer has: a program, the Club, the coach training."""
    c = ctx.customer
    owned = set()
    if c.program_purchase_date or c.program_end_date:
        owned.add("program")
    if c.club_start_date:
        owned.add("club")
    if c.coach_round_start or c.coach_end_date:
        owned.add("coach")
    return frozenset(owned)


# The request types one wish word can mean, by the product it is about: "verlängern" without a product is a
# program or a coach-training extension, "Geld zurück" a program return or a coach-training refund, "pausieren"
# a program or a Club pause. The reader maps a wish that names no product to the program type.
_BY_PRODUCT: dict[str, dict[str, str]] = {
    RequestType.PROGRAM_EXTENSION: {"program": RequestType.PROGRAM_EXTENSION, "coach": RequestType.COACH_EXTENSION},
    RequestType.COACH_EXTENSION: {"program": RequestType.PROGRAM_EXTENSION, "coach": RequestType.COACH_EXTENSION},
    RequestType.PROGRAM_RETURN: {"program": RequestType.PROGRAM_RETURN, "coach": RequestType.COACH_REFUND},
    RequestType.COACH_REFUND: {"program": RequestType.PROGRAM_RETURN, "coach": RequestType.COACH_REFUND},
    RequestType.PROGRAM_PAUSE: {"program": RequestType.PROGRAM_PAUSE, "club": RequestType.CLUB_PAUSE},
    RequestType.CLUB_PAUSE: {"program": RequestType.PROGRAM_PAUSE, "club": RequestType.CLUB_PAUSE},
}
_CLUB_TYPES = (RequestType.CLUB_PAUSE, RequestType.CLUB_CANCELLATION)


def _candidates(ctx: Context) -> list[str]:
    """The products the customer has that a wish naming none could be about (empty: the product is named)."""
    cls = ctx.classification
    by_product = _BY_PRODUCT.get(cls.request_type)
    if by_product is None or cls.facts.product_named:
        return []
    owned = owned_products(ctx)
    return [product for product in by_product if product in owned]


def owned_type(ctx: Context) -> str:
    """The request type of a wish that names no product, for a customer who has just one it can be about.

    "Can I get six more weeks?" from a coach trainee without a program is a coach-training extension,
    though the reader, seeing no product, took it for a program's (its default).
    """
    candidates = _candidates(ctx)
    request_type = ctx.classification.request_type
    return _BY_PRODUCT[request_type][candidates[0]] if len(candidates) == 1 else request_type


def product_doubt(ctx: Context) -> Line | None:
    """K-1: why the product a wish is about is unclear, or None when it is not.

    - the wish names no product and the customer has two it could be about, with different rules;
    - a Club wish from a customer whose CRM record (it has data) shows no Club: "Mitgliedschaft", "Abo" and
      "membership" are also said of a gym, the newsletter or a program;
    - a Club wish that names the Club only as "Mitgliedschaft" or "membership" from a customer who is also in the
      coach training: the training is a membership too.
    """
    c = ctx.customer
    owned = owned_products(ctx)
    club_wish = ctx.classification.request_type in _CLUB_TYPES
    if club_wish and c.known and (owned or c.tags) and "club" not in owned:
        return Line("no_club_on_file")
    if club_wish and not ctx.facts.club_named and {"club", "coach"} <= owned:
        # "Ich möchte meine Mitgliedschaft pausieren" from a Club member in the coach training: either is meant
        return Line("product_unclear", {"products": ["club", "coach"], "membership": True})
    candidates = _candidates(ctx)
    return Line("product_unclear", {"products": sorted(candidates)}) if len(candidates) > 1 else None


_PROGRAM_TYPES = (RequestType.PROGRAM_EXTENSION, RequestType.PROGRAM_PAUSE, RequestType.PROGRAM_RETURN)
# Words of a product tag that do not tell one program from another ("prog_intuitiv_abnehmen_12w": "12w").
_TAG_FILLER = re.compile(r"\d+\w?|v\d+|de|en|kurs|programm?|program|paket|digital|neu|new")


def unnamed_programs(ctx: Context) -> list[str]:
    """The product tags (`general.product_tag_prefixes`) a program wish could be about when the customer has two or
    more and the text names none of them by a word of its own ("Mentales Abnehmen" names prog_mentales_abnehmen_basis):
    the snapshot holds one purchase date, so a return or an extension of "mein Programm" may be of the wrong one.
    Tag names are no catalogue ("upsell_rezeptbuch" is also "the recipe book add-on"), so this only holds an approval
    for a person (`rule`), it does not decide."""
    if ctx.classification.request_type not in _PROGRAM_TYPES:
        return []
    prefixes = tuple(ctx.param("general.product_tag_prefixes"))
    tags = sorted(
        {t for t in ctx.customer.tags if t.lower().startswith(prefixes) and not ctx.pack.is_goodwill_marker(t)}
    )
    if len(tags) < 2 or ctx.ticket is None:
        return []
    words = {t: _name_words(t, prefixes) for t in tags}
    text = fold(" ".join((ctx.ticket.subject or "", ctx.ticket.body or "")))
    if _BOTH.search(text):
        return []  # "beide Programme", "both programs": every one of them is meant
    for t, own in words.items():
        distinct = own - set().union(*(w for u, w in words.items() if u != t))
        # the start of a word is enough for a compound ("Rezept-Paket" names upsell_rezeptpaket)
        if any(re.search(rf"\b{re.escape(fold(w)[:5])}", text) for w in distinct if len(w) >= 4):
            return []
    return tags


def _name_words(tag: str, prefixes: tuple[str, ...]) -> set[str]:
    name = tag.lower()
    name = name[len(next(p for p in prefixes if name.startswith(p))) :]
    return {w for w in re.split(r"[_\W]+", name) if w and not _TAG_FILLER.fullmatch(w)}


_BOTH = re.compile(r"\b(?:beide|beiden|beider|both|alle (?:meine )?programme|all (?:my )?programs)\b")


def clarify(ctx: Context) -> Ruling:
    """K-1: a goodwill wish that is not unambiguous is clarified with the customer first."""
    cls = ctx.classification
    doubt = product_doubt(ctx)
    why, kind = (doubt, "which_product") if doubt else (Line("request_unclear"), cls.clarify or "general")
    return Ruling(
        Outcome.CLARIFY, ("K-1",), why=(why,), ask=(Line("question", {"kind": kind, "address": cls.address}),)
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
    if product_doubt(ctx):
        request_type: str = RequestType.UNCLEAR
    else:
        request_type = owned_type(ctx)
        if request_type != cls.request_type:
            cls = replace(cls, request_type=request_type)
            ctx = replace(ctx, classification=cls)
    abusive = cls.abusive or request_type == RequestType.ABUSE
    if not abusive:
        inner = evaluate(ctx, request_type)
        assert inner is not None  # only `abuse` asks for nothing, and that is abusive
        return request_type, _held(ctx, inner)
    # An abusive message that asks for nothing is an abuse case; one asking for help that is no goodwill (the
    # reader quotes the help it found: an invoice, a login) is that request, `other`, with the abuse line.
    asks = request_type != RequestType.ABUSE and (
        request_type != RequestType.OTHER or any(e.label == RequestType.OTHER for e in cls.evidence)
    )
    inner = evaluate(ctx, request_type) if asks else None
    return overlay(ctx, request_type, _held(ctx, inner) if inner else None)


def _held(ctx: Context, ruling: Ruling) -> Ruling:
    """An approval the rules allow but something puts in doubt waits for a person (`unsure`): for a customer with
    several products, a mail that names none (`product_unnamed`); an earlier gesture on file (or in the customer's
    words) for a request whose clause does not apply K-3 itself (`prior_gesture`: a Club exit with its documents, a
    coach extension after a program extension). K-3 says one gesture per customer "as a rule": a person decides."""
    if ruling.outcome != Outcome.APPROVE:
        return ruling
    why, unsure = list(ruling.why), list(ruling.unsure)
    tags = unnamed_programs(ctx)
    if tags:
        why.append(Line("product_unnamed", {"tags": tags}))
        unsure.append("product_unnamed")
    prior = ctx.prior_goodwill()
    if prior.exists and ctx.classification.request_type not in NOT_GOODWILL:
        why.append(
            Line("prior_gesture", {"entries": prior.entries, "tags": prior.marker_tags, "claimed": prior.claimed})
        )
        unsure.append("prior_gesture")
    if len(unsure) == len(ruling.unsure):
        return ruling
    return replace(ruling, why=tuple(why), unsure=tuple(unsure))
