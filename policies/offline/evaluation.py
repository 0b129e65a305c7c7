"""Measure the classifier on a labelled corpus (JSONL): per-type P/R/F1, macro-F1, confusion, abuse, facts.

Corpus line: {"id", "subject", "body", "attachments": [], "created_at"?: ISO,
              "label": {"request_type", "abusive", "severity", "facts": {"reason", "reason_weighty",
                        "documents", "duration_days", "language"}}}
`goodwill eval CORPUS` calls `run_eval`; tests call `evaluate` and assert on the numbers.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from policies.model import REQUEST_TYPES, Ticket
from policies.pack.loader import load_pack
from policies.reading.agreement import read_both_for
from policies.reading.classify import CLASSIFIER_VERSION, classify
from policies.vocab import Outcome, Severity

FACT_KEYS = ("language", "reason", "reason_weighty", "documents", "duration_days")
_ABBR = {
    "program_extension": "p_ext",
    "program_pause": "p_pause",
    "program_return": "p_ret",
    "club_pause": "c_pause",
    "club_cancellation": "c_canc",
    "coach_refund": "co_ref",
    "coach_extension": "co_ext",
    "abuse": "abuse",
    "fair_use": "fair",
    "unclear": "unclr",
    "other": "other",
}


class CorpusError(ValueError):
    pass


@dataclass
class TypeScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class EvalResult:
    n: int
    per_type: dict[str, TypeScore]
    macro_f1: float
    confusion: dict[tuple[str, str], int]
    abuse_precision: float
    abuse_recall: float
    severe_precision: float
    severe_recall: float
    fact_accuracy: dict[str, float]
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (id, gold, predicted)
    # Case rows (a CASE.json with label.outcome): the whole decision is checked, not only the type.
    outcome_n: int = 0
    outcome_ok: int = 0
    # The costliest error: approved although the label's outcome is not approve (id, gold outcome, type).
    wrong_approvals: list[tuple[str, str, str]] = field(default_factory=list)
    # The second reader and the agreement gate (policies/reading/agreement.py).
    model_per_type: dict[str, TypeScore] = field(default_factory=dict)
    model_macro_f1: float = 0.0
    model_abuse_recall: float = 0.0
    # The rule reader alone (the decision combines both: policies/reading/agreement.py choose_type, raise_abuse).
    rule_macro_f1: float = 0.0
    rule_abuse_recall: float = 0.0
    agreed: int = 0
    agreed_right: int = 0  # request type right where both readers agreed
    disagreed_right: int = 0  # request type of the decision right where they did not
    # Wrong approvals the gate lets through: both readers agreed, so nobody would look before AC changes.
    gated_wrong_approvals: list[tuple[str, str, str]] = field(default_factory=list)
    fact_errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # (id, key, gold, predicted)


def load_corpus(path: str) -> list[dict[str, Any]]:
    """All rows of a JSONL file or of every *.jsonl in a directory. Raises CorpusError with one line."""
    p = Path(path)
    if p.is_dir():
        files = sorted(p.glob("*.jsonl"))
        if not files:
            raise CorpusError(f"no *.jsonl files in {path}")
    elif p.is_file():
        files = [p]
    else:
        raise CorpusError(f"corpus not found: {path}")
    rows: list[dict[str, Any]] = []
    for f in files:
        for no, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorpusError(f"{f}:{no}: invalid JSON: {e.msg}") from e
            if (
                not isinstance(row, dict)
                or not isinstance(row.get("label"), dict)
                or "request_type" not in row["label"]
            ):
                raise CorpusError(f"{f}:{no}: a corpus line needs an object with label.request_type")
            if row["label"]["request_type"] not in REQUEST_TYPES:
                raise CorpusError(f"{f}:{no}: unknown request_type {row['label']['request_type']!r}")
            rows.append(row)
    return rows


def _ticket(row: dict[str, Any], i: int) -> Ticket:
    created = row.get("created_at")
    return Ticket(
        number=i,
        subject=row.get("subject") or "",
        body=row.get("body") or "",
        created_at=datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None,
        attachments=tuple(row.get("attachments") or ()),
    )


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _fact_value(key: str, value: Any) -> Any:
    return sorted(value or []) if key == "documents" else value


def _read(row: dict[str, Any], i: int) -> tuple[Any, dict[str, Any] | None, dict[str, Any]]:
    """The classification of a row, for a case row (ticket + customer + today) its decision, and both readings."""
    if isinstance(row.get("ticket"), dict):
        from policies.offline.case import decide_case

        decision = decide_case({k: row[k] for k in ("today", "ticket", "customer") if k in row})
        read = _Read(
            decision["request_type"], bool(decision["abusive"]), decision.get("severity"), decision.get("facts") or {}
        )
        return read, decision, decision["reading"]
    ticket = _ticket(row, i)
    c = classify(ticket)
    reading = read_both_for(ticket, c, load_pack("goodwill")).to_dict()
    return _Read(c.request_type, c.abusive, c.severity, c.facts.to_dict()), None, reading


def _per_type(gold_types: list[str], pred_types: list[str]) -> dict[str, TypeScore]:
    types = [t for t in REQUEST_TYPES if t in set(gold_types) | set(pred_types)]
    per_type: dict[str, TypeScore] = {}
    for t in types:
        tp = sum(1 for g, p in zip(gold_types, pred_types) if g == t and p == t)
        fp = sum(1 for g, p in zip(gold_types, pred_types) if g != t and p == t)
        fn = sum(1 for g, p in zip(gold_types, pred_types) if g == t and p != t)
        per_type[t] = TypeScore(*_prf(tp, fp, fn), support=tp + fn)
    return per_type


def _macro(per_type: dict[str, TypeScore]) -> float:
    return sum(s.f1 for s in per_type.values()) / len(per_type) if per_type else 0.0


@dataclass(frozen=True)
class _Read:
    request_type: str
    abusive: bool
    severity: str | None
    facts: dict[str, Any]


def evaluate(rows: list[dict[str, Any]]) -> EvalResult:
    gold_types: list[str] = []
    pred_types: list[str] = []
    abuse: Counter[str] = Counter()
    severe: Counter[str] = Counter()
    fact_ok: Counter[str] = Counter()
    fact_n: Counter[str] = Counter()
    errors: list[tuple[str, str, str]] = []
    fact_errors: list[tuple[str, str, Any, Any]] = []
    outcome_n = outcome_ok = 0
    wrong_approvals: list[tuple[str, str, str]] = []
    gated: list[tuple[str, str, str]] = []
    model_types: list[str] = []
    rule_types: list[str] = []
    rule_abuse: Counter[str] = Counter()
    model_abuse: Counter[str] = Counter()
    agreed = agreed_right = disagreed_right = 0
    for i, row in enumerate(rows, 1):
        label = row["label"]
        c, decision, reading = _read(row, i)
        gold, pred = label["request_type"], c.request_type
        model_types.append(reading["model"]["request_type"])
        rule_types.append(reading["rules"]["request_type"])
        g_ab = bool(label.get("abusive"))
        m_ab = bool(reading["model"]["abusive"])
        model_abuse["tp" if g_ab and m_ab else "fp" if m_ab else "fn" if g_ab else "tn"] += 1
        r_ab = bool(reading["rules"]["abusive"])
        rule_abuse["tp" if g_ab and r_ab else "fp" if r_ab else "fn" if g_ab else "tn"] += 1
        if reading["agreed"]:
            agreed += 1
            agreed_right += gold == pred
        else:
            disagreed_right += gold == pred
        if decision is not None and "outcome" in label:
            outcome_n += 1
            outcome_ok += decision["outcome"] == label["outcome"]
            if decision["outcome"] == Outcome.APPROVE and label["outcome"] != Outcome.APPROVE:
                wrong_approvals.append((str(row.get("id", i)), label["outcome"], decision["request_type"]))
                if reading["agreed"]:
                    gated.append(wrong_approvals[-1])
        gold_types.append(gold)
        pred_types.append(pred)
        if gold != pred:
            errors.append((str(row.get("id", i)), gold, pred))
        g_ab, p_ab = bool(label.get("abusive")), c.abusive
        abuse["tp" if g_ab and p_ab else "fp" if p_ab else "fn" if g_ab else "tn"] += 1
        g_sev, p_sev = label.get("severity") == Severity.SEVERE, c.severity == Severity.SEVERE
        severe["tp" if g_sev and p_sev else "fp" if p_sev else "fn" if g_sev else "tn"] += 1
        gold_facts = label.get("facts") or {}
        pred_facts = c.facts
        for key in FACT_KEYS:
            if key not in gold_facts:
                continue
            fact_n[key] += 1
            g, p = _fact_value(key, gold_facts[key]), _fact_value(key, pred_facts.get(key))
            if g == p:
                fact_ok[key] += 1
            else:
                fact_errors.append((str(row.get("id", i)), key, g, p))
    per_type = _per_type(gold_types, pred_types)
    macro = _macro(per_type)
    model_per_type = _per_type(gold_types, model_types)
    rule_per_type = _per_type(gold_types, rule_types)
    ap, ar, _ = _prf(abuse["tp"], abuse["fp"], abuse["fn"])
    sp, sr, _ = _prf(severe["tp"], severe["fp"], severe["fn"])
    return EvalResult(
        n=len(rows),
        per_type=per_type,
        macro_f1=macro,
        confusion=Counter(zip(gold_types, pred_types)),
        abuse_precision=ap,
        abuse_recall=ar,
        severe_precision=sp,
        severe_recall=sr,
        fact_accuracy={k: fact_ok[k] / fact_n[k] for k in FACT_KEYS if fact_n[k]},
        errors=errors,
        fact_errors=fact_errors,
        outcome_n=outcome_n,
        outcome_ok=outcome_ok,
        wrong_approvals=wrong_approvals,
        model_per_type=model_per_type,
        model_macro_f1=_macro(model_per_type),
        model_abuse_recall=_prf(model_abuse["tp"], model_abuse["fp"], model_abuse["fn"])[1],
        rule_macro_f1=_macro(rule_per_type),
        rule_abuse_recall=_prf(rule_abuse["tp"], rule_abuse["fp"], rule_abuse["fn"])[1],
        agreed=agreed,
        agreed_right=agreed_right,
        disagreed_right=disagreed_right,
        gated_wrong_approvals=gated,
    )


def format_report(res: EvalResult, name: str) -> str:
    lines = [
        f"corpus: {name}  tickets: {res.n}  classifier: {CLASSIFIER_VERSION}",
        "",
        f"{'request_type':<20}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}",
    ]
    for t, s in res.per_type.items():
        lines.append(f"{t:<20}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.support:>5}")
    lines += [f"{'macro-F1':<20}{'':>14}{res.macro_f1:>7.3f}", "", "confusion (rows = gold, columns = predicted):"]
    types = list(res.per_type)
    lines.append(" " * 9 + "".join(f"{_ABBR[t]:>8}" for t in types))
    for g in types:
        lines.append(f"{_ABBR[g]:<9}" + "".join(f"{res.confusion.get((g, p), 0) or '.':>8}" for p in types))
    lines += [
        "",
        f"abuse:  precision {res.abuse_precision:.3f}  recall {res.abuse_recall:.3f}",
        f"severe: precision {res.severe_precision:.3f}  recall {res.severe_recall:.3f}",
    ]
    disagreed = res.n - res.agreed
    lines += [
        "",
        "readers:            rule reader  second reader  decision (both combined: docs/policy.md, Two readers)",
        f"  macro-F1            {res.rule_macro_f1:>9.3f}  {res.model_macro_f1:>13.3f}  {res.macro_f1:>8.3f}",
        f"  abuse recall        {res.rule_abuse_recall:>9.3f}  {res.model_abuse_recall:>13.3f}  {res.abuse_recall:>8.3f}",
        "agreement (same type and abusive flag, both at least as sure as reading.min_confidence):",
        f"  agreed    {res.agreed:>5} ({res.agreed / res.n if res.n else 0:.3f})  type right "
        f"{res.agreed_right / res.agreed if res.agreed else 0:.3f}",
        f"  disagreed {disagreed:>5} ({disagreed / res.n if res.n else 0:.3f})  type right "
        f"{res.disagreed_right / disagreed if disagreed else 0:.3f}  (a person confirms these first)",
    ]
    if res.outcome_n:
        lines += [
            f"outcome: {res.outcome_ok}/{res.outcome_n} right ({res.outcome_ok / res.outcome_n:.3f})",
            f"wrong approvals (approve where the label is not approve): {len(res.wrong_approvals)} decided, "
            f"{len(res.gated_wrong_approvals)} past the agreement gate (applied or one-click without a person)",
        ]
        gated = {i for i, _, _ in res.gated_wrong_approvals}
        lines += [
            f"  {i}: labelled {g}, decided approve as {t}" + ("  ← past the gate" if i in gated else "")
            for i, g, t in res.wrong_approvals
        ]
    lines += ["", "fact accuracy:"]
    for k, v in res.fact_accuracy.items():
        lines.append(f"  {k:<16}{v:.3f}")
    if res.errors:
        lines += ["", "misclassified: " + ", ".join(f"{i} ({_ABBR[g]}→{_ABBR[p]})" for i, g, p in res.errors)]
    return "\n".join(lines) + "\n"


def run_eval(corpus_path: str, out: TextIO) -> int:
    """Print the evaluation of `corpus_path` (a JSONL file or a directory of them). 0 = done, 2 = bad corpus."""
    try:
        rows = load_corpus(corpus_path)
    except (CorpusError, OSError, UnicodeDecodeError) as e:
        print(f"goodwill eval: {e}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, ValueError) as e:
        print(f"goodwill eval: bad corpus line: {e}", file=sys.stderr)
        return 2
    try:
        res = evaluate(rows)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        print(f"goodwill eval: bad corpus line: {e}", file=sys.stderr)
        return 2
    out.write(format_report(res, corpus_path))
    return 0
