"""The one vocabulary: every closed set of values the policy core, the worker and the UI share.

String enums, so a value is still the plain string in the database, in JSON and in the pack's
TOML (`Outcome.APPROVE == "approve"`), while code names the member and a typo fails at import.
German labels for these values live in `policies/render/labels.py`, one table per enum.
"""

from __future__ import annotations

from enum import StrEnum


class RequestType(StrEnum):
    PROGRAM_EXTENSION = "program_extension"
    PROGRAM_PAUSE = "program_pause"
    PROGRAM_RETURN = "program_return"
    CLUB_PAUSE = "club_pause"
    CLUB_CANCELLATION = "club_cancellation"
    COACH_REFUND = "coach_refund"
    COACH_EXTENSION = "coach_extension"
    ABUSE = "abuse"
    FAIR_USE = "fair_use"
    UNCLEAR = "unclear"
    OTHER = "other"


class Outcome(StrEnum):
    APPROVE = "approve"
    OFFER_ALTERNATIVE = "offer_alternative"
    DENY = "deny"
    NEEDS_INFO = "needs_info"
    ESCALATE = "escalate"
    CLARIFY = "clarify"
    NO_ACTION = "no_action"


class Alternative(StrEnum):
    COACHING_CALL = "coaching_call"
    EXTENSION = "extension"
    CLUB_MEMBERSHIP = "club_membership"
    PAUSE_OR_LATER_GROUP = "pause_or_later_group"


class EscalationTarget(StrEnum):
    OFD = "ofd"
    HEAD_OF_CH = "head_of_ch"
    COACH_LEADS = "coach_leads"
    SUPERVISOR = "supervisor"


class Measure(StrEnum):
    """Fair-use measures (seed 004)."""

    SMS_1 = "sms_1"
    SMS_2 = "sms_2"
    MIGRATE = "migrate"
    TERMINATE = "terminate"
    NO_TERMINATION = "no_termination"


class AbuseStep(StrEnum):
    """A-3: consequences in order of repetition."""

    WARNING = "warning"
    WRITTEN_WARNING = "written_warning"
    TEMPORARY_SUSPENSION = "temporary_suspension"
    TERMINATION = "termination"


class Severity(StrEnum):
    SEVERE = "severe"


class Mode(StrEnum):
    """How a pack lets a request type's approvals be applied (README: modes)."""

    SHADOW = "shadow"
    ASSIST = "assist"
    AUTO = "auto"


class ActionOp(StrEnum):
    ADD_TAG = "add_tag"
    SET_FIELD = "set_field"


class ActionState(StrEnum):
    PENDING = "pending"  # apply now
    AWAITING_APPROVAL = "awaiting_approval"  # one-click link in the note (assist mode)
    PROPOSAL = "proposal"  # a person decides (OFD, shadow mode)
    DONE = "done"
    ALREADY_DONE = "already_done"
    FAILED = "failed"
    REJECTED = "rejected"
    UNCHANGED = "unchanged"  # a re-decision that changed nothing: the earlier decision's actions stand
    SUPERSEDED = "superseded"  # a newer decision of the same ticket replaced this one before it was applied


APPLIED_STATES = frozenset({ActionState.DONE, ActionState.ALREADY_DONE})
REVIEWABLE_STATES = frozenset({ActionState.AWAITING_APPROVAL, ActionState.PROPOSAL})


class InboxStatus(StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    IGNORED = "ignored"
    FAILED = "failed"


FINISHED_INBOX = frozenset({InboxStatus.DONE, InboxStatus.IGNORED})


class Process(StrEnum):
    """What a pack drives: ticket triage, or the fair-use ladder for usage overruns."""

    GOODWILL = "goodwill"
    FAIR_USE = "fair_use"


# Request types whose approval is a goodwill gesture (docs/policy.md §4 "Prior goodwill gesture": an
# applied approval of any type except a return within 30 days). Abuse, fair use, unclear and other are
# recorded in the history too but are no gesture; a return is one only when it is not the 30-day
# guarantee (rules/common.py).
GESTURE_TYPES = frozenset(
    {
        RequestType.PROGRAM_EXTENSION,
        RequestType.PROGRAM_PAUSE,
        RequestType.PROGRAM_RETURN,
        RequestType.CLUB_PAUSE,
        RequestType.CLUB_CANCELLATION,
        RequestType.COACH_REFUND,
        RequestType.COACH_EXTENSION,
    }
)
# Approvals that are no goodwill and so get no "applied goodwill" marker tag in the CRM.
NOT_GOODWILL = frozenset(RequestType) - GESTURE_TYPES | {RequestType.PROGRAM_RETURN}
# Request types that leave no entry in the customer's goodwill ledger.
NO_LEDGER = frozenset({RequestType.OTHER, RequestType.UNCLEAR, RequestType.FAIR_USE})
