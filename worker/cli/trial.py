"""`goodwill trial`, `goodwill verdicts export` and the readiness lines of `goodwill policy show` (issue 15)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from policies.pack.loader import PolicyPack, load_pack
from policies.pack.params import process_of
from policies.render import labels as de
from policies.vocab import Process


class TrialUsageError(ValueError):
    """Bad input for one of these commands: one line, exit 2."""


def parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TrialUsageError(f"{what}: invalid date {value!r} (expected YYYY-MM-DD)") from None


def _candidate(path: str | None) -> PolicyPack | None:
    if path is None:
        return None
    pack = load_pack(str(Path(path).resolve()))  # PackError: one line, exit 2 (worker/cli/main.py)
    if process_of(pack) != Process.GOODWILL:
        raise TrialUsageError(f"--pack {path}: policy pack {pack.id} decides usage overruns, not tickets")
    return pack


def run_trial(
    *,
    since: str,
    until: str | None,
    pack: str | None,
    source: str,
    report: str | None,
    as_json: bool,
    out: TextIO,
    err: TextIO,
) -> int:
    from integrations.ports import Crm, HelpDesk
    from worker.bootstrap import TEAM_TZ, build_runtime, runtime_with
    from worker.config import load_settings
    from worker.trial.readonly import ReadOnlyCrm, ReadOnlyHelpDesk
    from worker.trial.report import render_html, summarize
    from worker.trial.reports import save_report
    from worker.trial.run import TrialInterrupted, trial_groove, trial_records

    first = parse_day(since, "--since")
    last = parse_day(until, "--until") if until else datetime.now(TEAM_TZ).date()
    if last < first:
        raise TrialUsageError(f"--until {last} is before --since {first}")
    candidate = _candidate(pack)
    settings = load_settings()
    if source == "groove":
        real = build_runtime(settings)  # the real clients with the shared rate limiter (the team's budget)
        helpdesk: HelpDesk = ReadOnlyHelpDesk(real.helpdesk)
        crm: Crm = ReadOnlyCrm(real.crm)
    else:
        helpdesk, crm = ReadOnlyHelpDesk(None), ReadOnlyCrm(None)
    rt = runtime_with(settings, helpdesk=helpdesk, crm=crm, pack=candidate)
    origin = str(Path(pack).name) if pack else None
    try:
        if source == "groove":
            trial = trial_groove(rt, first, last, pack_origin=origin, progress=err)
        else:
            trial = trial_records(rt, first, last, pack_origin=origin, progress=err)
    except TrialInterrupted as e:
        err.write(
            f"goodwill trial: abgebrochen nach {e.done} von {e.total} Tickets ({type(e.cause).__name__}: {e.cause}); "
            f"derselbe Aufruf setzt fort (Cursor {e.cursor})\n"
        )
        return 1
    summary = summarize(trial)
    html = render_html(summary)
    stored = save_report(settings.data_dir, summary, html)
    if report:
        Path(report).write_text(html, encoding="utf-8")
    if as_json:
        json.dump(summary, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        t = summary["totals"]
        out.write(
            f"Probelauf {first} bis {last} ({'aufgezeichnete Eingaben' if source == 'records' else 'Groove neu gelesen'}, "
            f"Richtlinie {trial.pack['id']} {trial.pack['version']}): {t['decisions']} Entscheidungen, "
            f"{t['replayed']} erneut entschieden, {t['changed']} geändert, {t['note_only']} nur Notiz geändert, "
            f"{t['not_replayable']} nicht wiederholbar, {t['readers_disagree']} mit uneinigen Lesern.\n"
        )
        for c in summary["changed"]:
            o, n = c["old"], c["new"]
            out.write(
                f"  #{c['ticket_number']} (Entscheidung {c['decision_id']}): "
                f"{de.label(de.REQUEST_TYPE, o['request_type'])} {de.label(de.OUTCOME, o['outcome'])} → "
                f"{de.label(de.REQUEST_TYPE, n['request_type'])} {de.label(de.OUTCOME, n['outcome'])}"
                f"{'' if c['kind'] == 'decision' else ' (nur Notiz)'}\n"
            )
        out.write(f"Bericht: {Path(report).resolve() if report else stored}\n")
    return 0


def run_export(*, file: str, split: str | None, out: TextIO) -> int:
    from worker.config import load_database_settings
    from worker.trial.export import export_verdicts

    settings = load_database_settings()
    result = export_verdicts(settings.db_url, Path(file), split)
    parts = ", ".join(f"{name}: {n}" for name, n in result.by_split.items())
    out.write(
        f"{result.written} Urteile nach {file} geschrieben ({parts}"
        f"{f'; {result.other_split} im anderen Teil' if split else ''}"
        f"; {result.skipped_not_replayable} ohne aufgezeichnete Eingaben übersprungen)\n"
    )
    return 0


def readiness_lines() -> list[str]:
    """Readiness per request type for `goodwill policy show`; empty when there is no database to read."""
    from pydantic import ValidationError
    from sqlalchemy import inspect

    from worker.config import DatabaseSettings
    from worker.store.db import get_engine
    from worker.store.verdicts import READINESS_DAYS, READY_MIN_VERDICTS, READY_SHARE, readiness

    try:
        settings = DatabaseSettings()  # not load_database_settings(): showing a pack creates no data directory
    except ValidationError:
        return []
    url = settings.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return []  # no database yet: nothing decided, and showing a pack must not create one
    try:
        if not inspect(get_engine(url)).has_table("verdicts"):
            return []
        rows = readiness(url)
    except Exception:  # a pack listing must not fail because the database is away
        return []
    lines = [
        f"Bereitschaft für auto (letzte {READINESS_DAYS} Tage; {de.READY} ab {READY_SHARE * 100:.0f} % Übereinstimmung "
        f"bei mindestens {READY_MIN_VERDICTS} Urteilen):"
    ]
    for r in rows:
        agreement = f"{r.agreement * 100:.0f} %" if r.agreement is not None else "–"
        readers = f"{r.readers_share * 100:.0f} %" if r.readers_share is not None else de.NO_SECOND_READER
        lines.append(
            f"  {r.request_type:<20} Übereinstimmung {agreement:>5} aus {r.verdicts:>3} Urteilen · "
            f"Leser einig {readers} · {de.READY if r.ready else de.NOT_READY}"
        )
    if not rows:
        lines.append("  keine Entscheidungen im Zeitraum")
    lines.append("  " + de.READINESS_NOTE)
    return lines
