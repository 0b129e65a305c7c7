"""The second, statistical reader of a ticket (issue 12, item 5): request type, abuse and severe abuse from word and
character n-grams.

The rule reader (`policies.reading.classify`) reads a ticket through a lexicon; this reader learned from the labelled
corpus instead. The two fail differently, so a later agreement gate can apply a decision only when both say the same.

Inference is pure Python on purpose: the worker must not pull numpy/scipy/scikit-learn into every process for one
sparse dot product. `scripts/build_reader.py` trains with scikit-learn and writes `model_data/reader.json`; it computes
the features with `features()` below, so training and inference cannot drift apart (tests/policies/test_model_reader.py
checks it). The pipeline, fixed in the JSON:

1. `features(subject, text)`: counts of word unigrams, word bigrams, character 3–5-grams inside words and a few
   shape marks (shouting, "!!!"), over lower-cased, umlaut-folded, whitespace-normalised text.
2. Only features in the stored vocabulary count; each weighs (1 + ln count) × idf, the vector is L2-normalised.
3. Request type: linear scores per type, softmax with a fitted temperature (calibration).
   Abuse: one linear score, Platt sigmoid (calibration).
   Severe abuse (threats of violence, hate speech; docs/policy.md A-2): one more linear score, Platt sigmoid.
   Severe implies abusive: `read()` reports a severe ticket as abusive even if the abuse head alone would not.

Weights format `goodwill-reader/2` (`FORMAT`), one JSON object, all numbers finite:
`classes` (the request types, sorted); `features`: feature → [idf, one weight per class..., abuse weight, severe
weight]; `type`: {`bias` per class, `prior` per class, `temperature`}; `abusive` and `severe`: {`bias`, `prior`,
`platt_a`, `platt_b`}; `build`: what the build used (not read here). `goodwill-reader/1` had no severe column and
no `severe` block; such a file is refused.

The weights file is data, never code: it is read once, lazily, with the json module (no pickle), from this package
only; there is no API that takes a path.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, pairwise
from operator import itemgetter, mul
from typing import Any

FORMAT = "goodwill-reader/2"
_DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model_data")
_DATA_FILE = os.path.join(_DATA_DIR, "reader.json")
# The weights file the build writes is about 2 MB; anything far larger is not ours.
_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ModelReading:
    request_type: str  # a RequestType value; never fair_use (not read from text)
    type_confidence: float  # calibrated probability of `request_type`
    abusive: bool
    abusive_confidence: float  # calibrated probability of the `abusive` answer given (≥ 0.5): P(abusive) if abusive
    version: str  # MODEL_VERSION of the weights that read it
    # Threat of violence or hate speech (docs/policy.md A-2); severe implies abusive. The defaults keep callers that
    # construct a reading without them (tests, older code) working: "not severe, for certain".
    severe: bool = False
    severe_confidence: float = 1.0  # calibrated probability of the `severe` answer given (≥ 0.5)


class ReaderDataError(RuntimeError):
    """The weights file is missing, not this package's, or malformed."""


# --- features ------------------------------------------------------------------------------------------------------
# Same prefix rule as the rule reader: "AW: Re: Kündigung" is about "Kündigung".
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|aw|wg|fw|fwd|antw|antwort)\s*:\s*)+", re.I)
# Customers write "Kündigung", "Kuendigung" and "Kundigung"; folding ä→ae joins the first two, the character
# n-grams mostly join the third.
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'", "‘": "'", "´": "'", "`": "'"})
_TOKEN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_PUNCT_RUN = re.compile(r"[!?]{2,}")
CHAR_NGRAMS = (3, 4, 5)
# Words longer than this (URLs, IDs, base64 left-overs) give no character n-grams: they are noise and cost time.
_MAX_GRAM_WORD = 30
# Words whose known n-gram rows a model keeps (`_known_rows`): at most some 6 MB; mail repeats its words, so most
# are met again (a word seen first costs what it did without the cache).
_GRAM_CACHE = 1 << 15


def joined_text(subject: str, text: str) -> str:
    """Subject and the customer's new text as one string, as the rule reader joins them."""
    subject = _SUBJECT_PREFIX.sub("", subject or "").strip()
    text = text or ""
    return f"{subject}\n\n{text}" if subject else text


def normalise(raw: str) -> str:
    """Lower-case, umlaut-folded, digits as 0 (dates and amounts generalise), whitespace collapsed."""
    low = unicodedata.normalize("NFKC", raw).lower().translate(_FOLD)
    return _SPACE.sub(" ", _DIGIT.sub("0", low)).strip()


@lru_cache(maxsize=1 << 16)
def _char_grams(token: str) -> tuple[str, ...]:
    """Character n-grams of one word, padded with a space at both ends (cached: words repeat across tickets)."""
    if len(token) > _MAX_GRAM_WORD:
        return ()
    padded = " " + token + " "
    return tuple("c:" + padded[i : i + n] for n in CHAR_NGRAMS for i in range(len(padded) - n + 1))


def _word_keys(raw: str) -> tuple[list[str], list[str]]:
    """(tokens, word unigram + bigram + shape-mark keys) of the joined text `raw`."""
    tokens = _TOKEN.findall(normalise(raw))
    keys = ["w:" + tok for tok in tokens]
    keys += ["b:" + a + " " + b for a, b in pairwise(tokens)]
    # Shape marks that lower-casing erases: shouting in capitals and "!!!" go with abuse (seed 002).
    letters = sum(map(str.isalpha, raw))
    if letters >= 12:
        upper = sum(map(str.isupper, raw)) / letters
        if upper > 0.3:
            keys.append("s:caps30")
        if upper > 0.6:
            keys.append("s:caps60")
    keys += ["s:punct" + run[:3] for run in _PUNCT_RUN.findall(raw)]
    # No length feature: in a near-empty ticket it would be the only feature and, normalised to 1, decide alone.
    return tokens, keys


def features(subject: str, text: str) -> dict[str, int]:
    """Feature counts of one ticket. The build trains on exactly this function's output."""
    tokens, keys = _word_keys(joined_text(subject, text))
    for tok in tokens:
        keys += _char_grams(tok)
    return Counter(keys)  # counted in C; a dict in first-seen order


def _known_rows(model: _Model, subject: str, text: str) -> Counter[int]:
    """The rows of `features(subject, text)` that `model` knows, with their counts: the same as looking every
    feature up, without making the character n-gram strings of a word again once the word was seen (its known
    rows are kept per model, `gram_rows`). tests/policies/test_model_reader.py checks both agree."""
    tokens, keys = _word_keys(joined_text(subject, text))
    index, cache = model.index, model.gram_rows
    rows = [row for row in map(index.get, keys) if row is not None]
    for tok in tokens:
        known = cache.get(tok)
        if known is None:
            if len(cache) >= _GRAM_CACHE:
                cache.clear()  # bounded: a stream of new words (IDs, typos) must not grow a worker without end
            known = cache[tok] = tuple(row for row in map(index.get, _char_grams(tok)) if row is not None)
        rows += known
    return Counter(rows)


# --- the stored model ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Model:
    version: str
    classes: tuple[str, ...]
    index: dict[str, int]  # feature → row
    idf: array[float]  # per row
    # Per row, idf² (for the vector's norm) and the row's weights times its idf: one per class, then abuse, then
    # severe. Row-major tuples of ready floats, so that the scores of a ticket are `map(sum, zip(*its rows))` in C
    # with no float made per weight; a ticket has some 340 known features (issue 12: the 1,000 decisions/s goal).
    idf2: array[float]
    weights: tuple[tuple[float, ...], ...]
    type_bias: tuple[float, ...]
    abuse_bias: float
    # label frequencies of the training data: the answer for a ticket with no feature the model knows
    type_prior: tuple[float, ...]
    abuse_prior: float
    temperature: float
    platt_a: float
    platt_b: float
    severe_bias: float
    severe_prior: float
    severe_platt_a: float
    severe_platt_b: float
    # word -> the rows of its character n-grams this model knows (a cache filled by `_known_rows`)
    gram_rows: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)


_MODEL: _Model | None = None


def _reject_constant(name: str) -> float:
    raise ReaderDataError(f"reader.json holds {name}: not a weights file this package wrote")


def _number(block: Any, key: str) -> float:
    """`block[key]` as a float: a finite JSON number (not a bool, not a string), else ReaderDataError."""
    value = block[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ReaderDataError(f"reader.json: {key!r} is not a finite number")
    return float(value)


def _binary_head(doc: dict[str, Any], name: str) -> tuple[float, float, float, float]:
    """(bias, prior, platt_a, platt_b) of the binary head `name` ("abusive" or "severe")."""
    block = doc[name]
    if not isinstance(block, dict):
        raise ReaderDataError(f"reader.json: the {name} parameters are not an object")
    bias, prior = _number(block, "bias"), _number(block, "prior")
    platt_a, platt_b = _number(block, "platt_a"), _number(block, "platt_b")
    if not 0.0 <= prior <= 1.0:
        raise ReaderDataError(f"reader.json: the {name} prior is not a probability")
    return bias, prior, platt_a, platt_b


def _parse(raw: bytes) -> _Model:
    """Check that `raw` is a weights file as scripts/build_reader.py writes it, and make the model of it."""
    if len(raw) > _MAX_BYTES:
        raise ReaderDataError("reader.json is far larger than a weights file of this package")
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReaderDataError(f"reader.json is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ReaderDataError(f"reader.json is not a {FORMAT} weights file")
    try:
        classes = tuple(str(c) for c in doc["classes"])
        rows: dict[str, Any] = doc["features"]
        n = len(classes)
        index: dict[str, int] = {}
        idf = array("d")
        idf2 = array("d")
        weights = []
        for i, (name, row) in enumerate(sorted(rows.items())):
            # one row: [idf, weight per class..., abuse weight, severe weight]
            if not isinstance(row, list) or len(row) != n + 3 or not all(isinstance(x, (int, float)) for x in row):
                raise ReaderDataError(f"reader.json: feature {name!r} has a malformed row")
            index[name] = i
            w = float(row[0])
            idf.append(w)
            idf2.append(w * w)
            weights.append(tuple(w * float(x) for x in row[1:]))
        type_bias = tuple(float(x) for x in doc["type"]["bias"])
        type_prior = tuple(float(x) for x in doc["type"]["prior"])
        if len(type_bias) != n or len(type_prior) != n or n < 2:
            raise ReaderDataError("reader.json: the type parameters do not match the classes")
        abuse_bias, abuse_prior, platt_a, platt_b = _binary_head(doc, "abusive")
        severe_bias, severe_prior, severe_platt_a, severe_platt_b = _binary_head(doc, "severe")
        model = _Model(
            # The version names the exact bytes that were parsed: a rebuilt model is a new version in every decision.
            version="reader-" + hashlib.sha256(raw).hexdigest()[:12],
            classes=classes,
            index=index,
            idf=idf,
            idf2=idf2,
            weights=tuple(weights),
            type_bias=type_bias,
            abuse_bias=abuse_bias,
            type_prior=type_prior,
            abuse_prior=abuse_prior,
            temperature=_number(doc["type"], "temperature"),
            platt_a=platt_a,
            platt_b=platt_b,
            severe_bias=severe_bias,
            severe_prior=severe_prior,
            severe_platt_a=severe_platt_a,
            severe_platt_b=severe_platt_b,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReaderDataError(f"reader.json lacks a part of the model: {exc!r}") from None
    if not model.temperature > 0:
        raise ReaderDataError("reader.json: the temperature must be positive")
    return model


def _load() -> _Model:
    """The package's own weights, read once. There is deliberately no way to pass another path."""
    global _MODEL
    if _MODEL is None:
        real = os.path.realpath(_DATA_FILE)
        # A symlink that leads out of the package would be "a file that is not the package's".
        if os.path.dirname(real) != os.path.realpath(_DATA_DIR):
            raise ReaderDataError("reader.json does not lie in the package's model_data directory")
        try:
            with open(real, "rb") as fh:
                raw = fh.read(_MAX_BYTES + 1)
        except OSError as exc:
            raise ReaderDataError(f"no weights file: {exc} (build it: ./run reader)") from None
        # Read once and hash the same bytes that are parsed, so the version cannot name another file.
        _MODEL = _parse(raw)
    return _MODEL


def __getattr__(name: str) -> str:
    # MODEL_VERSION is the weights file's hash; computing it on first use keeps the import free of I/O.
    if name == "MODEL_VERSION":
        return _load().version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- inference -----------------------------------------------------------------------------------------------------
def vector(model: _Model, counts: dict[str, int]) -> tuple[list[int], list[float]]:
    """Sparse tf-idf vector (rows, values), L2-normalised over the features the model knows.

    The vector the build trains on, written out as the reference: `predict` computes the same sums in another order
    without making it (tests/policies/test_model_reader.py checks both against the build)."""
    # map/compress/itemgetter run the per-feature work in C; a ticket has some 450 features
    found = list(map(model.index.get, counts))
    known = [row is not None for row in found]
    rows: list[int] = [row for row in compress(found, known) if row is not None]  # `known` filtered; for mypy
    if not rows:
        return [], []
    idfs = itemgetter(*rows)(model.idf) if len(rows) > 1 else (model.idf[rows[0]],)
    values = [(1.0 + math.log(c)) * w if c > 1 else w for c, w in zip(compress(counts.values(), known), idfs)]
    norm = math.sqrt(sum(map(mul, values, values)))
    return rows, [v / norm for v in values]


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def predict(model: _Model, subject: str, text: str) -> tuple[dict[str, float], float, float]:
    """Calibrated P(type) for every type `model` knows, calibrated P(abusive) and P(severe), each head on its own
    (`read()` applies "severe implies abusive")."""
    counts = _known_rows(model, subject, text)
    rows = list(counts)
    if not rows:
        # No evidence (an empty mail, or only words never seen in training): the scores would be the intercepts
        # alone, a point no training ticket was near, so the calibration says nothing there. The label
        # frequencies are the honest probabilities; their low top type keeps any gate from acting on it.
        total = sum(model.type_prior)  # stored rounded: renormalise so the probabilities sum to one
        return {c: p / total for c, p in zip(model.classes, model.type_prior)}, model.abuse_prior, model.severe_prior
    tally = list(counts.values())
    if len(rows) > 1:
        weights, squares = itemgetter(*rows)(model.weights), itemgetter(*rows)(model.idf2)
    else:
        weights, squares = (model.weights[rows[0]],), (model.idf2[rows[0]],)
    # The same sums as `vector()` then a dot product, in another order: a feature seen once weighs idf (1 + ln 1 = 1),
    # so its idf-weighted row adds as it is; a repeated one adds ln(count) × the row on top. The norm is applied last.
    dots = list(map(sum, zip(*weights)))
    norm2 = sum(squares)
    repeated = [c > 1 for c in tally]
    if any(repeated):
        logs = [math.log(c) for c in compress(tally, repeated)]
        dots = [d + sum(map(mul, logs, col)) for d, col in zip(dots, zip(*compress(weights, repeated)))]
        norm2 += sum(((1.0 + x) ** 2 - 1.0) * s for x, s in zip(logs, compress(squares, repeated)))
    norm = math.sqrt(norm2)
    scores = [(b + d / norm) / model.temperature for b, d in zip(model.type_bias, dots)]
    abuse = model.abuse_bias + dots[-2] / norm
    severe = model.severe_bias + dots[-1] / norm
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    p_type = {c: e / total for c, e in zip(model.classes, exps)}
    return (
        p_type,
        _sigmoid(model.platt_a * abuse + model.platt_b),
        _sigmoid(model.severe_platt_a * severe + model.severe_platt_b),
    )


def read(subject: str, text: str) -> ModelReading:
    """Read one ticket: `subject` as received, `text` the customer's new text (`customer_text(body)`)."""
    model = _load()
    p_type, p_abusive, p_severe = predict(model, subject, text)
    # max() keeps the first of equal maxima: ties go to the earlier class in the stored (sorted) order
    request_type = max(model.classes, key=lambda c: p_type[c])
    # The probability is calibrated, so 0.5 is the even-odds line; a gate that wants to be stricter compares
    # abusive_confidence with its own threshold.
    severe = p_severe >= 0.5
    # Severe implies abusive (a threat or hate speech is abuse, docs/policy.md A-2): the two heads are fitted apart
    # and can disagree, so a severe reading is reported abusive too, with P(abusive) ≥ P(severe) ≥ 0.5.
    if severe:
        p_abusive = max(p_abusive, p_severe)
    abusive = p_abusive >= 0.5
    return ModelReading(
        request_type=request_type,
        type_confidence=round(p_type[request_type], 4),
        abusive=abusive,
        abusive_confidence=round(p_abusive if abusive else 1.0 - p_abusive, 4),
        version=model.version,
        severe=severe,
        severe_confidence=round(p_severe if severe else 1.0 - p_severe, 4),
    )
