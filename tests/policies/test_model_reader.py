"""The second, statistical reader (policies/reading/model.py) and the build that makes its weights (issue 12, item 5)."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import inspect
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from policies.reading import model
from policies.reading.text import customer_text
from policies.vocab import RequestType

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "policies" / "reading" / "model_data" / "reader.json"


@functools.cache
def _build_script():
    # scikit-learn comes with the test extra: imported plainly, so a CI without it fails instead of skipping
    spec = importlib.util.spec_from_file_location("build_reader", ROOT / "scripts" / "build_reader.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_reader"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# made up for these tests, not from the corpus
TEXTS = [
    (
        "AW: Frage zur Mitgliedschaft",
        "Hallo zusammen,\n\nich möchte meine Club-Mitgliedschaft zum nächsten "
        "möglichen Termin kündigen. Bitte bestätigt mir die Kündigung.",
    ),
    (
        "Extension please",
        "Hi team, I broke my ankle in March and could not exercise for a month. Could you extend "
        "my program by a month? The doctor's note is attached.",
    ),
    ("", "IHR SEID EIN HAUFEN BETRÜGER UND IDIOTEN!!! ICH HASSE EUCH ALLE!!!"),
    ("Ausbildung", "Guten Tag, ich möchte von der Coach-Ausbildung zurücktreten und bitte um Erstattung der Gebühr."),
    ("", ""),
    ("Re: Rezept", "Wo finde ich das Rezept für den Linsensalat aus Woche 3? In der App sehe ich es nicht."),
]


# made up for these tests (not from the corpus): a veiled threat in German (an announced visit, a deadline, "I know
# where you are") and a line of hate speech in English (contempt for origin and religion)
SEVERE_TEXTS = [
    (
        "Letzte Warnung",
        "Ich kenne eure Adresse und weiß, wann eure Leute Feierabend machen. Wenn mein Geld bis Freitag nicht da "
        "ist, stehe ich persönlich vor eurer Tür, und dann wird es für euch richtig ungemütlich.",
    ),
    (
        "",
        "You filthy foreigners and your disgusting religion should be thrown out of this country, every single "
        "one of you, you subhuman scum.",
    ),
]
PLAIN_COMPLAINT = (
    "Beschwerde",
    "Guten Tag, ich bin ziemlich enttäuscht: Meine Frage von letzter Woche ist noch immer nicht beantwortet, und "
    "die Videos in der App laden seit Tagen nicht. Bitte kümmert euch darum. Viele Grüße",
)


def test_the_build_computes_its_features_with_the_function_inference_uses() -> None:
    build = _build_script()
    assert build.FEATURES is model.features
    doc = json.loads(SHIPPED.read_bytes())
    names = sorted(doc["features"])
    index = {n: i for i, n in enumerate(names)}
    idf = [doc["features"][n][0] for n in names]
    loaded = model._load()
    for subject, text in TEXTS:
        counts = model.features(subject, text)
        matrix = build.vectorize(index, idf, [counts]).tocoo()
        built = dict(zip(matrix.col.tolist(), matrix.data.tolist()))
        rows, values = model.vector(loaded, counts)
        assert len(set(rows)) == len(rows)
        assert set(built) == set(rows)
        assert all(math.isclose(built[r], v, rel_tol=1e-12, abs_tol=1e-15) for r, v in zip(rows, values))


def test_the_pure_python_reader_says_what_the_stored_model_says_under_numpy() -> None:
    build = _build_script()
    doc = json.loads(SHIPPED.read_bytes())
    texts = TEXTS + SEVERE_TEXTS + [PLAIN_COMPLAINT]
    examples = [build.Example(str(i), s, t, "other", False, False, "made-up") for i, (s, t) in enumerate(texts)]
    p_ref, a_ref, v_ref = build.predict_with_doc(doc, examples)
    for i, (subject, text) in enumerate(texts):
        if not text:
            continue  # no known feature: the reader answers with the stored prior (tested below)
        p_type, p_abusive, p_severe = model.predict(model._load(), subject, text)
        assert list(p_type) == doc["classes"]
        assert all(math.isclose(p_type[c], p_ref[i, j], abs_tol=1e-9) for j, c in enumerate(doc["classes"]))
        assert math.isclose(p_abusive, a_ref[i], abs_tol=1e-9)
        assert math.isclose(p_severe, v_ref[i], abs_tol=1e-9)


@pytest.mark.timeout(1800)
def test_rebuilding_from_the_corpus_gives_the_shipped_file(tmp_path: Path) -> None:
    # Two builds in separate processes with different hash seeds: neither set order nor dict order may leak into
    # the bytes, so on one machine they are byte for byte the same. Against the shipped file: the same corpus hash,
    # the same features and classes, every weight within 1e-3 — the solvers' BLAS kernels differ by CPU in the last
    # digits (an AMD EPYC and the machine the file was built on differed in the 6th), nothing more is tolerated.
    procs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    str(ROOT / "scripts" / "build_reader.py"),
                    "--out",
                    str(tmp_path / f"reader-{seed}.json"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    for proc in procs:
        out, _ = proc.communicate(timeout=1700)
        assert proc.returncode == 0, out
    first, second = (tmp_path / "reader-1.json").read_bytes(), (tmp_path / "reader-2.json").read_bytes()
    assert first == second
    built, shipped = json.loads(first), json.loads(SHIPPED.read_bytes())
    assert built["build"] == shipped["build"], "the shipped weights are stale: rebuild them with ./run reader"
    # The corpus and the settings are pinned by "build" above; the numbers only have to show that the featurizer and
    # the fit are the shipped ones. Another SciPy/scikit-learn release lands its solvers up to ~1e-3 apart (seen with
    # SciPy 1.17.1 on weights built with an earlier one); a changed featurizer changes keys or moves numbers far more.
    assert _numbers_apart(built, shipped) <= 5e-3, "the shipped weights are stale: rebuild them with ./run reader"


def _numbers_apart(a: Any, b: Any) -> float:
    """The largest difference between two JSON documents' numbers; infinite where their shapes differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return math.inf
        return max((_numbers_apart(a[k], b[k]) for k in a), default=0.0)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return math.inf
        return max((_numbers_apart(x, y) for x, y in zip(a, b)), default=0.0)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b))
    return 0.0 if a == b else math.inf


def test_the_weights_comparison_sees_a_changed_weight_and_a_missing_feature() -> None:
    doc = {"features": {"w:a": [1.0, 0.5]}, "bias": -1.0}
    assert _numbers_apart(doc, {"features": {"w:a": [1.0, 0.5]}, "bias": -1.0}) == 0.0
    assert _numbers_apart(doc, {"features": {"w:a": [1.0, 0.502]}, "bias": -1.0}) > 1e-3
    assert _numbers_apart(doc, {"features": {"w:b": [1.0, 0.5]}, "bias": -1.0}) == math.inf


@pytest.mark.parametrize(
    ("subject", "text", "expected"),
    [
        (TEXTS[0][0], TEXTS[0][1], RequestType.CLUB_CANCELLATION),
        (TEXTS[1][0], TEXTS[1][1], RequestType.PROGRAM_EXTENSION),
        (TEXTS[2][0], TEXTS[2][1], RequestType.ABUSE),
        (TEXTS[3][0], TEXTS[3][1], RequestType.COACH_REFUND),
        (TEXTS[5][0], TEXTS[5][1], RequestType.OTHER),
    ],
)
def test_a_clear_made_up_ticket_is_read_as_its_type(subject: str, text: str, expected: RequestType) -> None:
    reading = model.read(subject, customer_text(text))
    assert reading.request_type == expected
    assert reading.type_confidence >= 0.6


@pytest.mark.parametrize(("subject", "text"), SEVERE_TEXTS, ids=["german-veiled-threat", "english-hate-speech"])
def test_the_rebuilt_models_severe_head_flags_a_fresh_veiled_threat_and_hate_speech(subject: str, text: str) -> None:
    # the shipped weights are the rebuilt model: the byte-for-byte test above holds them to the build
    reading = model.read(subject, customer_text(text))
    assert reading.severe and reading.severe_confidence >= 0.5
    assert reading.abusive, "severe implies abusive"


def test_the_rebuilt_models_severe_head_does_not_flag_a_plain_complaint() -> None:
    reading = model.read(*PLAIN_COMPLAINT)
    assert not reading.severe and reading.severe_confidence >= 0.8
    assert not reading.abusive


def test_a_severe_reading_is_abusive_even_where_the_abuse_head_alone_says_no(monkeypatch: pytest.MonkeyPatch) -> None:
    types = {c: 1 / len(model._load().classes) for c in model._load().classes}
    monkeypatch.setattr(model, "predict", lambda m, subject, text: (types, 0.3, 0.7))
    reading = model.read("", "egal")
    assert reading.severe and reading.severe_confidence == 0.7
    assert reading.abusive and reading.abusive_confidence == 0.7  # P(abusive) ≥ P(severe)
    monkeypatch.setattr(model, "predict", lambda m, subject, text: (types, 0.9, 0.2))
    reading = model.read("", "egal")
    assert reading.abusive and reading.abusive_confidence == 0.9
    assert not reading.severe and reading.severe_confidence == 0.8


def test_a_reading_built_without_the_severe_fields_is_not_severe() -> None:
    reading = model.ModelReading("other", 0.9, False, 0.9, "reader-test")
    assert reading.severe is False and reading.severe_confidence == 1.0


def test_shouted_insults_are_abusive_and_a_polite_request_is_not() -> None:
    rant = model.read(TEXTS[2][0], TEXTS[2][1])
    polite = model.read(*TEXTS[1])
    assert rant.abusive and rant.abusive_confidence >= 0.8
    assert not polite.abusive and polite.abusive_confidence >= 0.8


def test_confidences_are_probabilities_and_the_type_distribution_sums_to_one() -> None:
    for subject, text in TEXTS:
        p_type, p_abusive, p_severe = model.predict(model._load(), subject, text)
        assert math.isclose(sum(p_type.values()), 1.0, abs_tol=1e-9)
        assert 0.0 <= p_abusive <= 1.0 and 0.0 <= p_severe <= 1.0
        reading = model.read(subject, text)
        assert reading.type_confidence == round(max(p_type.values()), 4)
        assert 0.5 <= reading.abusive_confidence <= 1.0
        assert 0.5 <= reading.severe_confidence <= 1.0
        assert reading.request_type in {t.value for t in RequestType} - {RequestType.FAIR_USE}


def test_a_ticket_without_known_words_gets_the_training_frequencies_and_no_confident_type() -> None:
    doc = json.loads(SHIPPED.read_bytes())
    for subject, text in [("", ""), ("", " \n\t "), ("", "ǂǂǂ ǂǂǂ")]:
        reading = model.read(subject, text)
        assert not reading.abusive and not reading.severe
        assert math.isclose(reading.abusive_confidence, round(1 - doc["abusive"]["prior"], 4))
        assert math.isclose(reading.severe_confidence, round(1 - doc["severe"]["prior"], 4))
        assert math.isclose(reading.type_confidence, max(doc["type"]["prior"]), abs_tol=1e-4)
        assert reading.type_confidence < 0.5


def test_the_version_is_the_hash_of_the_shipped_weights_and_every_reading_carries_it() -> None:
    expected = "reader-" + hashlib.sha256(SHIPPED.read_bytes()).hexdigest()[:12]
    assert expected == model.MODEL_VERSION
    assert model.read("Pause", "Kann ich mein Programm pausieren?").version == expected


def test_reading_takes_text_only_and_offers_no_way_to_name_a_weights_file() -> None:
    assert list(inspect.signature(model.read).parameters) == ["subject", "text"]
    public = [
        name
        for name, obj in vars(model).items()
        if inspect.isfunction(obj) and not name.startswith("_") and obj.__module__ == model.__name__
    ]
    for name in public:
        params = set(inspect.signature(vars(model)[name]).parameters)
        assert not params & {"path", "file", "filename", "data_file"}, name


_HEADS = (
    b' "type": {"bias": [0, 0], "prior": [0.5, 0.5], "temperature": 1},'
    b' "abusive": {"bias": 0, "prior": 0.1, "platt_a": 1, "platt_b": 0},'
    b' "severe": {"bias": 0, "prior": 0.1, "platt_a": 1, "platt_b": 0}}'
)


def test_a_minimal_weights_file_of_this_format_is_accepted() -> None:
    # the refusals below are refusals of what they change, not of everything
    raw = b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0, 0]},' + _HEADS
    parsed = model._parse(raw)
    assert parsed.classes == ("a", "b") and len(parsed.weights[0]) == 4


@pytest.mark.parametrize(
    "raw",
    [
        b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00.",  # a pickle
        b'{"format": "something-else/1", "classes": [], "features": {}}',
        b"[1, 2, 3]",
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5]},' + _HEADS,
        # a row of the old format: no severe column
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0]},' + _HEADS,
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, NaN, 0, 0, 0]},' + _HEADS,
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {}}',
        b'{"format": "goodwill-reader/1", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0]},'
        b' "type": {"bias": [0, 0], "prior": [0.5, 0.5], "temperature": 1},'
        b' "abusive": {"bias": 0, "prior": 0.1, "platt_a": 1, "platt_b": 0}}',
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0, 0]},'
        + _HEADS.replace(b'"severe": {"bias": 0,', b'"severe": {"bias": "0",'),
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0, 0]},'
        + _HEADS.replace(b'"severe": {"bias": 0, "prior": 0.1', b'"severe": {"bias": 0, "prior": 7'),
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0, 0]},'
        + _HEADS.replace(b'"platt_b": 0}}', b'"platt_b": 1e999}}'),
        b'{"format": "goodwill-reader/2", "classes": ["a", "b"], "features": {"w:x": [1.0, 0.5, 0, 0, 0]},'
        + _HEADS.replace(
            b'"severe": {"bias": 0, "prior": 0.1, "platt_a": 1, "platt_b": 0}', b'"severe": [0, 0.1, 1, 0]'
        ),
    ],
    ids=[
        "pickle",
        "other-format",
        "not-an-object",
        "short-row",
        "row-without-severe-column",
        "nan",
        "no-parameters",
        "old-format",
        "severe-bias-a-string",
        "severe-prior-not-a-probability",
        "severe-platt-infinite",
        "severe-not-an-object",
    ],
)
def test_loading_refuses_bytes_that_are_not_a_weights_file_of_this_package(raw: bytes) -> None:
    with pytest.raises(model.ReaderDataError):
        model._parse(raw)


def test_loading_refuses_a_weights_file_without_the_severe_block() -> None:
    doc = json.loads(SHIPPED.read_bytes())
    assert isinstance(doc["severe"], dict)
    del doc["severe"]
    with pytest.raises(model.ReaderDataError, match="severe"):
        model._parse(json.dumps(doc).encode())


@pytest.mark.parametrize("key", ["bias", "prior", "platt_a", "platt_b"])
def test_loading_refuses_a_severe_block_that_lacks_a_parameter(key: str) -> None:
    doc = json.loads(SHIPPED.read_bytes())
    del doc["severe"][key]
    with pytest.raises(model.ReaderDataError, match=key):
        model._parse(json.dumps(doc).encode())


def test_loading_refuses_a_weights_file_that_links_out_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_dir = tmp_path / "model_data"
    package_dir.mkdir()
    foreign = tmp_path / "elsewhere.json"
    foreign.write_bytes(SHIPPED.read_bytes())
    (package_dir / "reader.json").symlink_to(foreign)
    monkeypatch.setattr(model, "_DATA_DIR", str(package_dir))
    monkeypatch.setattr(model, "_DATA_FILE", str(package_dir / "reader.json"))
    monkeypatch.setattr(model, "_MODEL", None)
    with pytest.raises(model.ReaderDataError, match="model_data"):
        model.read("", "Hallo")


def test_inference_loads_no_numeric_library_and_no_pickle() -> None:
    probe = (
        "import sys; from policies.reading import model; model.read('Hallo', 'Bitte verlängern'); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'scipy', 'sklearn', 'pickle'}))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_weights_ship_as_package_data_and_stay_small() -> None:
    assert '"reading/model_data/*.json"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert SHIPPED.stat().st_size < 5 * 1024 * 1024


def test_the_known_rows_of_a_ticket_are_its_features_the_model_knows_also_once_its_words_are_cached(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loaded = model._load()
    monkeypatch.setattr(model, "_GRAM_CACHE", 50)  # small: the cache is cleared while the texts are read
    loaded.gram_rows.clear()  # what earlier tests left in it
    for _ in range(2):  # the second time every word's rows come from the cache
        for subject, text in TEXTS + SEVERE_TEXTS + [PLAIN_COMPLAINT]:
            counts = model.features(subject, text)
            expected = {loaded.index[k]: n for k, n in counts.items() if k in loaded.index}
            assert dict(model._known_rows(loaded, subject, text)) == expected
            assert len(loaded.gram_rows) <= 50
