"""`goodwill` console script.

Bad input gets one line on stderr and exit code 2; configuration problems name the setting.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input for a command: printed as one line, exit 2."""


def _cmd_decide(args: argparse.Namespace) -> int:
    from policies.offline.case import CaseError, decide_case
    from policies.pack.loader import PackError, load_pack

    try:
        data = json.loads(Path(args.case).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{args.case}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{args.case}: invalid JSON: {e}") from None
    try:
        pack = load_pack(args.pack or os.environ.get("GOODWILL_POLICY_PACK") or "goodwill")
        out = decide_case(data, pack)
    except (CaseError, PackError) as e:
        raise UsageError(f"{args.case}: {e}") from None
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from policies.offline.evaluation import run_eval

    return run_eval(args.corpus, sys.stdout)


def _cmd_policy_show(args: argparse.Namespace) -> int:
    from policies.pack.loader import load_pack
    from policies.pack.params import describe_pack
    from worker.cli.trial import readiness_lines

    print(describe_pack(load_pack(args.pack or os.environ.get("GOODWILL_POLICY_PACK") or "goodwill")))
    for line in readiness_lines():  # per request type: agreement with the team's verdicts (issue 15)
        print(line)
    return 0


def _cmd_trial(args: argparse.Namespace) -> int:
    from worker.cli.trial import TrialUsageError, run_trial

    try:
        return run_trial(
            since=args.since,
            until=args.until,
            pack=args.pack,
            source=args.source,
            report=args.report,
            as_json=args.json,
            out=sys.stdout,
            err=sys.stderr,
        )
    except TrialUsageError as e:
        raise UsageError(f"trial: {e}") from None


def _cmd_verdicts_export(args: argparse.Namespace) -> int:
    from worker.cli.trial import run_export

    return run_export(file=args.file, split=args.split, out=sys.stdout)


def _cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from worker.config import load_database_settings
    from worker.store.db import upgrade

    settings = load_database_settings()
    upgrade(settings.db_url)
    print("database is at the newest schema")
    return 0


def _cmd_web(args: argparse.Namespace) -> int:
    from worker.config import load_settings
    from worker.ops.metrics_env import prepare_multiproc_dir

    settings = load_settings()
    prepare_multiproc_dir(settings.data_dir)  # before anything imports prometheus_client
    from worker.app import create_app
    from worker.store.db import upgrade
    from worker.web.serve import run

    upgrade(settings.db_url)
    run(create_app(settings), host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from worker.config import load_settings
    from worker.ops.metrics_env import prepare_multiproc_dir

    prepare_multiproc_dir(load_settings().data_dir)  # before anything imports prometheus_client
    from worker.bootstrap import check_mailboxes, get_runtime, install_warm_up
    from worker.jobs.celery_worker import app
    from worker.ops.logs import install_celery_hooks
    from worker.ops.metrics import install_celery_task_metrics, start_worker_metrics_server

    settings = app.conf.goodwill_settings
    # Every configured mailbox must exist in Groove (GET /v1/mailboxes): ConfigError → one line, exit 2.
    check_mailboxes(get_runtime())
    install_celery_hooks(settings.db_url)
    install_celery_task_metrics()
    if args.metrics_port:
        start_worker_metrics_server(args.metrics_port, args.metrics_host)
    argv = ["worker", "--loglevel", args.loglevel, "--concurrency", str(args.concurrency), "-E"]
    threads = settings.embedded_broker or args.pool == "threads"
    install_warm_up("threads" if threads else "prefork")
    if threads:
        # Embedded: one process on a laptop, threads share the in-process AC rate limiter (with Redis
        # the limiter is shared through Redis and prefork children are fine). With Redis, threads
        # are the low-memory choice: one process instead of 1 + concurrency (BENCHMARKS.md), but no
        # task time limits and a crash takes every task in flight with it (the sweeper brings them back).
        argv += ["--pool", "threads"]
    if args.beat or settings.embedded_broker:
        # Embedded mode has no separate beat process: the worker runs the inbox sweeper itself.
        argv += ["--beat", "--schedule", str(settings.data_dir / "celerybeat-schedule")]
    app.worker_main(argv)
    return 0


def _cmd_beat(args: argparse.Namespace) -> int:
    from worker.jobs.celery_worker import app
    from worker.ops.logs import install_celery_hooks

    install_celery_hooks()

    app.start(
        [
            "beat",
            "--loglevel",
            args.loglevel,
            "--schedule",
            str(app.conf.goodwill_settings.data_dir / "celerybeat-schedule"),
        ]
    )
    return 0


def _cmd_sandbox(args: argparse.Namespace) -> int:
    from integrations.sandbox import serve

    seed = None
    if args.seed:
        try:
            seed = json.loads(Path(args.seed).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise UsageError(f"{args.seed}: cannot read seed: {e}") from None
    if not 0.0 <= args.error_rate <= 1.0:
        raise UsageError("--error-rate must be between 0 and 1")
    if not 0.0 <= args.ac_limit_503_share <= 1.0:
        raise UsageError("--ac-limit-503-share must be between 0 and 1")
    if args.ac_retry_after < 0 or args.groove_retry_after < 0:
        raise UsageError("--ac-retry-after and --groove-retry-after must not be negative")
    serve(
        host=args.host,
        port=args.port,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        ac_rate_limit=args.ac_rate_limit,
        seed=seed,
        ac_retry_after=args.ac_retry_after,
        ac_limit_503_share=args.ac_limit_503_share,
        groove_rate_limit=args.groove_rate_limit,
        groove_retry_after=args.groove_retry_after,
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from worker.cli.demo import run_demo

    return run_demo(keep=args.keep, port=args.port)


def _cmd_customer(args: argparse.Namespace) -> int:
    from worker.triage.snapshot import print_customer

    return print_customer(args.email, sys.stdout)


def _cmd_status(args: argparse.Namespace) -> int:
    from worker.ops.replay import OpsError, print_status

    try:
        return print_status(sys.stdout, as_json=args.json)
    except OpsError as e:
        raise UsageError(str(e)) from None


def _read_password(from_stdin: bool, command: str = "user add") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError(f"{command}: no terminal to ask for the password; pipe it in with --password-stdin")
    import getpass

    first = getpass.getpass("Passwort: ")
    if getpass.getpass("Passwort wiederholen: ") != first:
        raise UsageError(f"{command}: the passwords differ")
    return first


def _cmd_user_add(args: argparse.Namespace) -> int:
    from worker.config import load_database_settings
    from worker.store.db import upgrade
    from worker.web.auth import UserError, add_user

    settings = load_database_settings()
    upgrade(settings.db_url)
    password = _read_password(args.password_stdin)
    try:
        user_id = add_user(
            settings.db_url, email=args.email, name=args.name, password=password, role=args.role, targets=args.targets
        )
    except UserError as e:
        raise UsageError(f"user add: {e}") from None
    print(f"user {user_id} created: {args.email.strip().lower()} ({args.role})")
    return 0


def _cmd_user_change(args: argparse.Namespace) -> int:
    """`user password|disable|enable EMAIL`: each ends every session of that user."""
    from worker.config import load_database_settings
    from worker.store.db import upgrade
    from worker.web.auth import UserError, set_active, set_password

    settings = load_database_settings()
    upgrade(settings.db_url)
    command = f"user {args.user_cmd}"
    try:
        if args.user_cmd == "password":
            email = set_password(settings.db_url, args.email, _read_password(args.password_stdin, command))
            print(f"password changed for {email}; every session of this user has ended")
        else:
            email = set_active(settings.db_url, args.email, args.user_cmd == "enable")
            done = "enabled" if args.user_cmd == "enable" else "disabled"
            print(f"user {email} {done}; every session of this user has ended")
    except UserError as e:
        raise UsageError(f"{command}: {e}") from None
    return 0


def _cmd_replay(args: argparse.Namespace) -> int:
    from worker.ops.replay import OpsError, replay

    if not args.failed and args.id is None:
        raise UsageError("replay: give an inbox event ID or --failed")
    try:
        return replay(sys.stdout, inbox_id=args.id, failed=args.failed)
    except OpsError as e:
        raise UsageError(str(e)) from None


def _cmd_fair_use_import(args: argparse.Namespace) -> int:
    from worker.cli.fair_use import import_csv

    return import_csv(Path(args.file), sys.stdout, sys.stderr)


def _cmd_history_import(args: argparse.Namespace) -> int:
    from datetime import datetime

    from worker.cli.history import import_history

    try:
        since = datetime.strptime(args.since.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise UsageError(f"history import: --since must be a date YYYY-MM-DD, got {args.since!r}") from None
    if args.max_rate is not None and args.max_rate <= 0:
        raise UsageError("history import: --max-rate must be positive")
    return import_history(since, dry_run=args.dry_run, max_rate=args.max_rate, out=sys.stdout, err=sys.stderr)


def _cmd_read(args: argparse.Namespace) -> int:
    from worker.cli.read import ReadInputError, read_file, read_stream

    if args.file == "-":
        return read_stream(sys.stdin, sys.stdout)
    try:
        out = read_file(args.file)
    except ReadInputError as e:
        raise UsageError(str(e)) from None
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="goodwill", description="Goodwill (Kulanz) triage worker")
    sub = p.add_subparsers(dest="command", required=True)

    d = sub.add_parser("decide", help="decide one CASE.json offline (prints JSON)")
    d.add_argument("case")
    d.add_argument("--pack", help="policy pack name or TOML path (default: GOODWILL_POLICY_PACK or goodwill)")
    d.add_argument("--pretty", action="store_true")
    d.set_defaults(func=_cmd_decide)

    e = sub.add_parser("eval", help="evaluate the classifier on a labelled corpus (JSONL file or directory)")
    e.add_argument("corpus")
    e.set_defaults(func=_cmd_eval)

    rd = sub.add_parser("read", help="print the customer's new text of a mail (JSON; `-`: JSON lines on stdin)")
    rd.add_argument(
        "file",
        help='CASE.json, a ticket JSON {"subject","body"}, a raw text/HTML mail, or - for JSON lines {"body","html"}',
    )
    rd.add_argument("--pretty", action="store_true")
    rd.set_defaults(func=_cmd_read)

    pol = sub.add_parser("policy", help="policy packs").add_subparsers(dest="policy_cmd", required=True)
    show = pol.add_parser("show", help="print the active policy pack")
    show.add_argument("--pack")
    show.set_defaults(func=_cmd_policy_show)

    tr = sub.add_parser("trial", help="decide past tickets again under the current or a candidate pack; writes nothing")
    tr.add_argument("--since", required=True, help="first decision day (YYYY-MM-DD)")
    tr.add_argument("--until", help="last decision day (YYYY-MM-DD; default: today)")
    tr.add_argument("--pack", help="candidate policy pack (TOML file) in place of GOODWILL_POLICY_PACK")
    tr.add_argument(
        "--source",
        choices=("records", "groove"),
        default="records",
        help="records: the inputs each decision recorded (offline); groove: read the tickets again "
        "(read-only, inside the rate limit, resumable)",
    )
    tr.add_argument("--report", help="also write the HTML report to this file")
    tr.add_argument("--json", action="store_true", help="print the summary as JSON")
    tr.set_defaults(func=_cmd_trial)

    vd = sub.add_parser("verdicts", help="the team's verdicts on decisions").add_subparsers(
        dest="verdicts_cmd", required=True
    )
    ve = vd.add_parser("export", help="write verdicts as labelled cases (CASE corpus JSONL, docs/trial.md)")
    ve.add_argument("file")
    ve.add_argument("--split", choices=("train", "test"), help="only the cases of this split (stable, per ticket)")
    ve.set_defaults(func=_cmd_verdicts_export)

    db = sub.add_parser("db", help="database").add_subparsers(dest="db_cmd", required=True)
    db.add_parser("upgrade", help="apply Alembic migrations").set_defaults(func=_cmd_db_upgrade)

    w = sub.add_parser("web", help="run the web app (gunicorn)")
    w.add_argument("--host", default="127.0.0.1")
    w.add_argument("--port", type=int, default=8000)
    w.add_argument("--workers", type=int, default=2)
    # Measured (bench/intake.py): 8 threads gave no more throughput than 4 on 2 cores.
    w.add_argument("--threads", type=int, default=4)
    w.set_defaults(func=_cmd_web)

    wk = sub.add_parser("worker", help="run a Celery worker")
    wk.add_argument("--concurrency", type=int, default=2)
    wk.add_argument("--loglevel", default="INFO")
    wk.add_argument(
        "--pool",
        choices=("prefork", "threads"),
        default="prefork",
        help="prefork (default with Redis) or threads (one process; always used with the embedded broker)",
    )
    wk.add_argument("--beat", action="store_true", help="also run the periodic inbox sweeper")
    wk.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve this worker's Prometheus counters on this port (when the web runs elsewhere)",
    )
    wk.add_argument("--metrics-host", default="0.0.0.0")
    wk.set_defaults(func=_cmd_worker)

    b = sub.add_parser("beat", help="run the periodic scheduler (inbox sweeper)")
    b.add_argument("--loglevel", default="INFO")
    b.set_defaults(func=_cmd_beat)

    sb = sub.add_parser("sandbox", help="run the local Groove + ActiveCampaign sandbox")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8025)
    sb.add_argument("--latency-ms", type=int, default=0)
    sb.add_argument("--error-rate", type=float, default=0.0)
    sb.add_argument(
        "--ac-rate-limit",
        type=float,
        default=None,
        help="AC requests per second for the account (over it: 429 + Retry-After)",
    )
    sb.add_argument(
        "--ac-retry-after",
        type=float,
        default=30.0,
        help="seconds in AC's Retry-After (default 30, the documented example)",
    )
    sb.add_argument(
        "--ac-limit-503-share",
        type=float,
        default=0.1,
        help="share of over-limit AC answers that are a 503 instead (default 0.1)",
    )
    sb.add_argument(
        "--groove-rate-limit",
        type=float,
        default=None,
        help="Groove requests per second (Groove publishes no limit; over it: 429 + Retry-After)",
    )
    sb.add_argument("--groove-retry-after", type=float, default=1.0, help="seconds in Groove's Retry-After")
    sb.add_argument("--seed", help="seed JSON file (format: docs/sandbox.md)")
    sb.set_defaults(func=_cmd_sandbox)

    dm = sub.add_parser("demo", help="sandbox + web + worker on embedded defaults; sends sample tickets")
    dm.add_argument("--keep", action="store_true", help="leave everything running and print the URLs")
    dm.add_argument("--port", type=int, default=8000, help="web port (the sandbox uses port+25)")
    dm.set_defaults(func=_cmd_demo)

    c = sub.add_parser("customer", help="print the customer snapshot the worker sees")
    c.add_argument("email")
    c.set_defaults(func=_cmd_customer)

    st = sub.add_parser("status", help="queue, in flight, failures")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_cmd_status)

    us = sub.add_parser("user", help="web UI users").add_subparsers(dest="user_cmd", required=True)
    ua = us.add_parser("add", help="create a web UI user (password from a prompt or --password-stdin)")
    ua.add_argument("email")
    ua.add_argument("--name", required=True)
    ua.add_argument(
        "--role",
        choices=("agent", "lead", "admin"),
        default="agent",
        help="agent: read, approve assist-mode changes; lead: also decide OFD cases; admin: all",
    )
    ua.add_argument("--targets", help="for a lead: escalation targets they decide, e.g. head_of_ch,ofd (default: all)")
    ua.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    ua.set_defaults(func=_cmd_user_add)
    upw = us.add_parser("password", help="set a new password (prompt or --password-stdin); ends the user's sessions")
    upw.add_argument("email")
    upw.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    upw.set_defaults(func=_cmd_user_change)
    for verb, text in (("disable", "refuse the user's logins and end its sessions"), ("enable", "allow logins again")):
        ud = us.add_parser(verb, help=text)
        ud.add_argument("email")
        ud.set_defaults(func=_cmd_user_change)

    fu = sub.add_parser("fair-use", help="fair-use process (seed 004)").add_subparsers(
        dest="fair_use_cmd", required=True
    )
    fi = fu.add_parser("import", help="import a monthly usage export (CSV, docs/fair-use.md)")
    fi.add_argument("file")
    fi.set_defaults(func=_cmd_fair_use_import)

    hi = sub.add_parser("history", help="the goodwill history earlier tickets show").add_subparsers(
        dest="history_cmd", required=True
    )
    hin = hi.add_parser("import", help="walk the team's Groove tickets since a date into the ledger (resumable)")
    hin.add_argument("--since", required=True, help="first day (YYYY-MM-DD) of the tickets to read")
    hin.add_argument("--dry-run", action="store_true", help="print the table of findings, write nothing")
    hin.add_argument(
        "--max-rate",
        type=float,
        default=None,
        help="Groove calls per second for the import (default: half of GROOVE_RATE_LIMIT)",
    )
    hin.set_defaults(func=_cmd_history_import)

    r = sub.add_parser("replay", help="re-run an inbox event or all failed ones")
    r.add_argument("id", nargs="?", type=int)
    r.add_argument("--failed", action="store_true")
    r.set_defaults(func=_cmd_replay)
    return p


def main(argv: list[str] | None = None) -> int:
    from policies.pack.loader import PackError
    from worker.config import ConfigError

    args = _parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    from worker.ops.logs import setup_logging

    service = args.command in ("web", "worker", "beat", "sandbox", "demo")
    # Services log at INFO; one-shot commands print their own output and log only warnings.
    setup_logging(
        args.command if service else "cli",
        level=getattr(args, "loglevel", None),
        default_level="INFO" if service else "WARNING",
    )
    try:
        return func(args)
    except UsageError as e:
        print(f"goodwill: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ConfigError as e:
        print(f"goodwill: configuration: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PackError as e:
        print(f"goodwill: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0


if __name__ == "__main__":
    sys.exit(main())
