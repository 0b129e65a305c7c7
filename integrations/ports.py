"""The two vendor ports the worker depends on: a help desk (Groove) and a CRM (ActiveCampaign).

Each Protocol lists exactly the calls the worker makes today (worker/triage, worker/fair_use,
worker/bootstrap), with the signatures of the real clients, so that
- `GrooveClient` and `ActiveCampaignClient` satisfy them structurally (no inheritance), and
- tests can hand the worker in-memory fakes (tests/fakes.py) through `worker.bootstrap.runtime_with`.

A method the worker starts to call must be added here first; the protocol test
(tests/integrations/test_ports.py) then checks that the real client really has it.
Errors are the family of integrations/errors.py, whichever implementation answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from integrations.activecampaign import AcContact
from integrations.groove_models import GrooveAttachment, GrooveMailbox, GrooveMessage, GrooveTicket, GrooveTicketPage

__all__ = ["Crm", "HelpDesk"]


class HelpDesk(Protocol):
    """Tickets, their messages and internal notes (Groove v1, ticket tags via v2 GraphQL)."""

    def get_ticket(self, number: int) -> GrooveTicket:
        """The ticket; ApiNotFound when the help desk does not know the number."""
        ...

    def list_customer_tickets(self, email: str) -> list[GrooveTicket]:
        """Every ticket of the customer with this e-mail (none: an empty list)."""
        ...

    def list_tickets(self, page: int = 1) -> GrooveTicketPage:
        """One page of all the account's tickets, newest first (the history import walks them)."""
        ...

    def list_messages(self, number: int) -> list[GrooveMessage]:
        """Every message and note of the ticket, oldest first; ApiNotFound for an unknown ticket.

        As Groove serves them: no attachment names, only `attachments_message_id` to ask for them."""
        ...

    def list_attachments(self, message_id: str) -> list[GrooveAttachment]:
        """The attachments of one message (the id from `GrooveMessage.attachments_message_id`)."""
        ...

    def list_mailboxes(self) -> list[GrooveMailbox]:
        """The account's mailboxes (name, e-mail, id): tickets are created in one by its e-mail or id."""
        ...

    def post_note(self, number: int, body_html: str) -> str:
        """Post an internal note; returns the new message id. ApiNotFound for an unknown ticket."""
        ...

    def tag_ticket(self, number: int, tag_names: Iterable[str]) -> tuple[str, ...]:
        """Add tags to the ticket (adding one it has is a no-op); returns the tag ids."""
        ...

    # Only the keywords the fair-use tasks pass: the real client takes more, all of them optional.
    def create_ticket(
        self,
        *,
        body: str,
        from_: str,
        to: str,
        subject: str | None = None,
        mailbox: str | None = None,
        tags: Iterable[str] = (),
        note: bool = False,
        send_copy_to_customer: bool | None = None,
    ) -> GrooveTicket:
        """Open a ticket whose first message is `body` from `from_` to `to` (a note if `note`), in the
        mailbox with the e-mail or id `mailbox` (None: the primary mailbox)."""
        ...


class Crm(Protocol):
    """Contacts by e-mail with their tags and custom fields (ActiveCampaign v3).

    Fields are named canonically ("coach_end_date"); the implementation maps them to the
    account's own field names (the pack's [ac_fields]).
    """

    def get_contact(self, email: str) -> AcContact | None:
        """The contact with exactly this e-mail (case-insensitive), or None."""
        ...

    def add_tag(self, contact_id: str, tag_name: str) -> str:
        """Tag the contact (creating the tag if needed; tagging twice is a no-op); returns the association id."""
        ...

    def set_field(self, contact_id: str, canonical: str, value: str | date) -> str:
        """Set one custom field of the contact (dates as YYYY-MM-DD); returns the field value id."""
        ...

    def warm_up(self) -> None:
        """Load whatever lookup tables the implementation caches, before the first ticket needs them."""
        ...
