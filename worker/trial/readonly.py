"""The vendor ports, read-only: every write method raises `WriteRefused` before anything leaves the process.

A trial decides tickets again; it must never post a note, tag a ticket, open a ticket or change a
contact. The wrappers pass on only reads — the port methods named `get_*` / `list_*` (and `warm_up`,
which loads the CRM's lookup tables with GETs) — and refuse everything else, so a write method
added to a port later is refused too until someone decides otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

READ_PREFIXES = ("get_", "list_")


class WriteRefused(RuntimeError):
    """A trial tried to write to a vendor: refused, nothing was sent."""


def _is_read(name: str, extra: frozenset[str]) -> bool:
    return name.startswith(READ_PREFIXES) or name in extra


class _ReadOnly:
    _extra_reads: frozenset[str] = frozenset()
    _vendor = "vendor"

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.refused: list[str] = []  # write attempts, for the report and the tests

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        if _is_read(name, self._extra_reads):
            if self._inner is None:
                raise WriteRefused(f"{self._vendor}.{name}: no {self._vendor} in this trial (recorded inputs only)")
            return getattr(self._inner, name)  # type: ignore[no-any-return]

        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            self.refused.append(name)
            raise WriteRefused(f"{self._vendor}.{name}: a trial writes nothing")

        return refuse


class ReadOnlyHelpDesk(_ReadOnly):
    """Groove, reads only (`get_ticket`, `list_messages`, `list_customer_tickets`, …)."""

    _vendor = "helpdesk"


class ReadOnlyCrm(_ReadOnly):
    """ActiveCampaign, reads only (`get_contact`, `warm_up`)."""

    _vendor = "crm"
    _extra_reads = frozenset({"warm_up"})
