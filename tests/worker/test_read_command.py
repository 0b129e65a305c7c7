"""`goodwill read FILE|-`: the customer's new text of a mail, as JSON (one line per input with `-`)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from worker.cli.main import main

CASE = Path(__file__).resolve().parent.parent / "policies" / "cases" / "001_extension_first_time_approved.json"
QUOTED = (
    "Bitte um vier Wochen verlängern.\n\nAm 03.03.2026 um 09:14 schrieb intumind Support <s@intumind.example>:\n"
    "> Möchtest du zurückgeben?\n"
)


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_reading_json_lines_prints_one_json_line_with_the_new_text_per_input(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {"body": QUOTED, "html": False},
        {"body": "<p>Hallo<br>bitte pausieren</p>", "html": True},
        {"body": "Ja.\n\nSent from my iPhone"},
    ]
    code, out, _ = run(["read", "-"], capsys, "".join(json.dumps(x) + "\n" for x in lines), monkeypatch)
    assert code == 0
    got = [json.loads(x) for x in out.splitlines()]
    assert [g["new_text"] for g in got] == ["Bitte um vier Wochen verlängern.", "Hallo\nbitte pausieren", "Ja."]
    assert [g["capped"] for g in got] == [False, False, False]
    assert got[0]["cut_reason"] == "quote_header" and got[2]["cut_reason"] == "device_footer"


def test_a_bad_input_line_gets_an_error_line_so_the_output_stays_in_step(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["read", "-"], capsys, 'not json\n{"body": 5}\n\n{"body": "Ja."}\n', monkeypatch)
    got = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and len(got) == 3
    assert "error" in got[0] and "error" in got[1] and got[2]["new_text"] == "Ja."


def test_a_case_file_is_read_with_its_subject_and_the_sentences_of_the_new_text(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["read", str(CASE)], capsys)
    got = json.loads(out)
    assert code == 0
    assert got["subject"] == "Verlängerung"
    assert got["sentences"][-1] == "Könntet ihr mein Programm ein wenig verlängern?"
    assert got["signature"] == "Liebe Grüße\nAnna" and got["cut_reason"] == "sign_off" and got["capped"] is False


def test_a_raw_html_mail_and_a_ticket_object_are_read_too(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = tmp_path / "mail.html"
    raw.write_text(
        '<div>Ich kündige.</div><div class="gmail_quote">Am 1.1.2026 schrieb X:<blockquote>alt</blockquote></div>',
        encoding="utf-8",
    )
    got = json.loads(run(["read", str(raw)], capsys)[1])
    assert got["new_text"] == "Ich kündige." and got["html"] is True and "alt" in got["quoted_text"]
    ticket = tmp_path / "ticket.json"
    ticket.write_text(json.dumps({"subject": "WG: Rechnung", "body": QUOTED}), encoding="utf-8")
    got = json.loads(run(["read", str(ticket), "--pretty"], capsys)[1])
    assert got["new_text"] == "Bitte um vier Wochen verlängern." and got["sentences"] == [
        "Bitte um vier Wochen verlängern."
    ]


def test_a_missing_file_or_a_json_without_body_is_bad_input_with_exit_2(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["read", str(tmp_path / "nope.json")], capsys)
    assert code == 2 and "no such file" in err
    empty = tmp_path / "empty.json"
    empty.write_text('{"subject": "x"}', encoding="utf-8")
    code, _, err = run(["read", str(empty)], capsys)
    assert code == 2 and "body" in err


def test_the_installed_console_script_reads_json_lines() -> None:
    exe = shutil.which("goodwill", path=str(Path(sys.executable).parent))
    if exe is None:
        # `./run test` installs the project (pip install -e), so the script is there; a bare checkout run with
        # another interpreter may lack it. In CI a missing script is a missing install step: fail, never skip.
        if IN_CI:
            pytest.fail("the goodwill console script is not installed (CI=true): the install step is missing")
        pytest.skip("the goodwill console script is not installed in this environment")
    p = subprocess.run(
        [exe, "read", "-"],
        input=json.dumps({"body": QUOTED, "html": False}) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["new_text"] == "Bitte um vier Wochen verlängern."
