"""Per-process wiring: settings → policy pack, rate limiter, vendor clients.

Built lazily on first use, so each forked Celery child gets its own HTTP sessions and
Redis connections instead of sharing the parent's sockets.

The worker sees the vendors only through the ports of integrations/ports.py (`HelpDesk`, `Crm`).
`build_runtime` is the one place that turns settings into the real Groove and ActiveCampaign
clients; `runtime_with` builds the same Runtime around any implementation (the tests' fakes).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from integrations.activecampaign import ActiveCampaignClient
from integrations.errors import ApiError, ApiUnauthorized
from integrations.groove import GrooveClient, GrooveMailbox
from integrations.http import HttpSettings
from integrations.ports import Crm, HelpDesk
from integrations.ratelimit import make_rate_limiter
from policies.pack.loader import PackError, PolicyPack, load_pack
from policies.pack.params import param, process_of
from worker.config import ConfigError, Settings, load_settings
from worker.ops import metrics

log = logging.getLogger("goodwill.runtime")

# The team works in Germany: "today" for day counts is the Berlin calendar day.
TEAM_TZ = ZoneInfo(os.environ.get("GOODWILL_TIMEZONE", "Europe/Berlin"))


@dataclass
class Runtime:
    settings: Settings
    pack: PolicyPack
    helpdesk: HelpDesk  # Groove in production
    crm: Crm  # ActiveCampaign in production
    # Groove mailbox (case-folded name, e-mail or id) → pack (GOODWILL_MAILBOX_PACKS, and the fair-use
    # pack's task mailbox); other mailboxes get `pack`.
    mailbox_packs: dict[str, PolicyPack] = field(default_factory=dict)
    # The pack of the fair-use process (usage overruns carry no mailbox): see fair_use_pack_of().
    fair_use_pack: PolicyPack | None = None
    # The account's mailboxes (GET /v1/mailboxes): tickets name their mailbox, the settings may name
    # it by e-mail or id. Checked at worker start-up (inherited by forked children), else read once.
    mailbox_directory: list[GrooveMailbox] | None = None

    def today(self) -> date:
        return datetime.now(TEAM_TZ).date()

    def pack_for(self, mailbox: str | None, mailbox_id: str | None = None) -> PolicyPack:
        """The policy pack for a Groove ticket in `mailbox` (its name; None or unmapped: the default pack)."""
        refs = [r.strip().casefold() for r in (mailbox, mailbox_id) if r and r.strip()]
        for ref in refs:
            if ref in self.mailbox_packs:
                return self.mailbox_packs[ref]
        if refs and any("@" in key or key.isdecimal() for key in self.mailbox_packs):
            # A key that is an e-mail or id: which mailbox the ticket's name stands for, the directory says.
            for box in self.mailboxes():
                if any(box.known_as(r) for r in refs):
                    for alias in (box.email, box.id, box.name):
                        if alias and alias.casefold() in self.mailbox_packs:
                            return self.mailbox_packs[alias.casefold()]
        return self.pack

    def mailboxes(self) -> list[GrooveMailbox]:
        """The account's mailboxes, read from Groove once per process (unless the start-up check did)."""
        if self.mailbox_directory is None:
            self.mailbox_directory = _known_mailboxes or self.helpdesk.list_mailboxes()
        return self.mailbox_directory

    def with_pack(self, pack: PolicyPack) -> Runtime:
        """The same clients and settings, deciding with `pack`."""
        return self if pack is self.pack else replace(self, pack=pack)


def fair_use_pack_of(default: PolicyPack, mapped: dict[str, PolicyPack]) -> PolicyPack:
    """The one fair-use pack of this deployment: the one named in the settings, else the built-in."""
    named = {p.id: p for p in (default, *mapped.values()) if process_of(p) == "fair_use"}
    if len(named) > 1:
        raise PackError(
            f"GOODWILL_MAILBOX_PACKS names {len(named)} fair-use packs ({', '.join(sorted(named))}); "
            "usage overruns carry no mailbox, so only one is possible"
        )
    return next(iter(named.values())) if named else load_pack("fair-use")


def mailbox_packs_of(settings: Settings, default: PolicyPack) -> tuple[dict[str, PolicyPack], PolicyPack]:
    mapped = {mailbox: load_pack(name) for mailbox, name in settings.mailbox_packs.items()}
    fair_use = fair_use_pack_of(default, mapped)
    # The fair-use task tickets live in that pack's mailbox: never triage them as goodwill requests.
    mapped.setdefault(str(param(fair_use, "tasks.mailbox")).strip().casefold(), fair_use)
    return mapped, fair_use


# Set by check_mailboxes() in the `goodwill worker` process before the pool forks: children inherit it.
_known_mailboxes: list[GrooveMailbox] | None = None


def configured_mailboxes(rt: Runtime) -> list[tuple[str, str]]:
    """Every mailbox the settings and packs name, as (where it is configured, the name/e-mail/id)."""
    refs = [("GOODWILL_MAILBOX_PACKS", key) for key in rt.settings.mailbox_packs]
    fair_use = rt.fair_use_pack
    if fair_use is not None:
        refs.append((f"policy pack {fair_use.id} [tasks] mailbox", str(param(fair_use, "tasks.mailbox")).strip()))
    return refs


def check_mailboxes(rt: Runtime) -> list[GrooveMailbox]:
    """Every configured mailbox must be one of the account's (GET /v1/mailboxes); ConfigError (one
    line) names the unknown ones. Groove unreachable: a warning, and the worker starts unchecked."""
    global _known_mailboxes
    from worker.ops.logs import bind

    bind(task="mailbox_check")  # its vendor call belongs to no ticket: say what it is
    try:
        directory = rt.helpdesk.list_mailboxes()
    except ApiUnauthorized as exc:
        raise ConfigError(f"cannot check the Groove mailboxes: {exc}") from None
    except ApiError as exc:
        log.warning("could not check the Groove mailboxes at start-up (%s); continuing unchecked", exc)
        return []
    finally:
        bind(task=None)
    unknown = [(where, ref) for where, ref in configured_mailboxes(rt) if not any(b.known_as(ref) for b in directory)]
    if unknown:
        named = "; ".join(f"{ref!r} ({where})" for where, ref in unknown)
        known = ", ".join(b.describe() for b in directory) or "none"
        raise ConfigError(f"Groove has no mailbox {named}; the account's mailboxes: {known}")
    _known_mailboxes = directory
    rt.mailbox_directory = directory
    return directory


def build_runtime(settings: Settings) -> Runtime:
    pack = load_pack(settings.goodwill_policy_pack)
    http = HttpSettings(connect_timeout=settings.http_connect_timeout, read_timeout=settings.http_read_timeout)
    # A vendor paused by a long Retry-After (AC documents 30 s) is not waited for inside a task: the
    # limiter refuses at once and the task is re-scheduled with the rest of the pause as its countdown.
    limiter = make_rate_limiter(
        settings.redis_url,
        {"ac": settings.ac_rate_limit, "groove": settings.groove_rate_limit},
        max_pause_wait=http.max_inline_retry_after,
    )
    groove = GrooveClient(
        base_url=settings.groove_api_url,
        token=settings.groove_api_token.get_secret_value(),
        note_author=settings.groove_note_author,
        graphql_tags=settings.groove_tags_via_graphql,
        graphql_url=settings.groove_graphql_url,
        limiter=limiter,
        settings=http,
        on_request=metrics.record_upstream,
    )
    ac = ActiveCampaignClient(
        base_url=settings.ac_api_url,
        token=settings.ac_api_token.get_secret_value(),
        field_map=pack.ac_fields,
        limiter=limiter,
        settings=http,
        on_request=metrics.record_upstream,
    )
    return runtime_with(settings, helpdesk=groove, crm=ac, pack=pack)


def runtime_with(settings: Settings, *, helpdesk: HelpDesk, crm: Crm, pack: PolicyPack | None = None) -> Runtime:
    """A Runtime around the given ports, with the packs resolved from `settings` as in production.

    `pack` is the settings' default pack when not given (build_runtime passes the one it already
    loaded for the AC field map).
    """
    pack = pack or load_pack(settings.goodwill_policy_pack)
    mapped, fair_use = mailbox_packs_of(settings, pack)
    return Runtime(
        settings=settings, pack=pack, helpdesk=helpdesk, crm=crm, mailbox_packs=mapped, fair_use_pack=fair_use
    )


_runtime: tuple[int, Runtime] | None = None
_runtime_lock = threading.Lock()


def get_runtime() -> Runtime:
    """The process's runtime; rebuilt after a fork (the pid changes)."""
    global _runtime
    with _runtime_lock:  # the warm-up thread and the first task must not build two
        if _runtime is None or _runtime[0] != os.getpid():
            _runtime = (os.getpid(), build_runtime(load_settings()))
        return _runtime[1]


def _warm_up() -> None:
    from worker.ops.logs import bind

    bind(task="ac_warm_up")  # its vendor calls belong to no ticket: say what they are
    try:
        get_runtime().crm.warm_up()
    except Exception as exc:
        log.warning(
            "ActiveCampaign warm-up failed (%s); tag and field maps load on the first ticket", type(exc).__name__
        )


def warm_up_in_background(**_: object) -> None:
    """Load the AC tag and field maps when a worker process starts instead of on its first ticket.

    In a thread: Celery kills a pool child whose start-up hook takes more than 4 s, and the maps
    take as long as AC and the shared rate limit allow. Every process needs them for its first
    contact (tag ids → names), so this only moves calls before the traffic, it adds none.
    """
    threading.Thread(target=_warm_up, name="ac-warm-up", daemon=True).start()


def install_warm_up(pool: str) -> None:
    """prefork: each pool child warms up (the main process runs no tasks); threads: the one process."""
    from celery import signals

    if pool == "threads":
        signals.worker_ready.connect(warm_up_in_background, weak=False)
    else:
        signals.worker_process_init.connect(warm_up_in_background, weak=False)
