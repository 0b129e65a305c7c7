"""The team's window in a real browser (headless Chromium) against real web + worker processes.

Log in, find a decision, approve an OFD case and see the follow-up note arrive in the sandbox;
a wrong password and a missing CSRF token are refused; a note's "Stimmt nicht" link records a verdict
that the decision page and the export show. Every page is saved as a screenshot
under tests/artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support import ticket_seed, wait_until
from tests.ui.conftest import screenshot
from tests.ui.stack import Stack
from worker.web.ui.labels import TEAM_TZ

LEAD = ("hanna.head@team.example", "Hanna Head", "ein-langes-passwort-42")
RETURN_BODY = (
    "<p>Hallo,</p><p>ich möchte das Programm zurückgeben, es passt leider nicht zu mir. "
    "Bitte erstattet mir den Kaufpreis.</p><p>Viele Grüße<br>Eva</p>"
)
ILLNESS_BODY = (
    "<p>Sehr geehrte Damen und Herren,</p><p>ich habe im Sommer das Programm gekauft. Kurz danach bekam "
    "ich die Diagnose Brustkrebs und bin seitdem in Behandlung. Ich möchte das Programm zurückgeben, "
    "ich kann es nicht nutzen.</p><p>Berta Krank</p>"
)
RETURN, ESCALATED = 7001, 7002


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Stack]:
    """One stack for the module: two tickets decided by the worker, one agent reply, one lead user."""
    today = datetime.now(TEAM_TZ).date()
    created = f"{today.isoformat()}T07:30:00Z"
    with Stack(
        tmp_path_factory.mktemp("ui"),
        secrets.token_urlsafe(32),
        env={"GROOVE_APP_URL": "https://team.groovehq.com/groove_client/tickets/{number}"},
    ) as st:
        r = st.goodwill(
            ["user", "add", LEAD[0], "--name", LEAD[1], "--role", "lead", "--password-stdin"], LEAD[2] + "\n"
        )
        assert r.returncode == 0, r.stderr
        st.sandbox.seed(
            ticket_seed(
                RETURN,
                "eva.e2e@example.org",
                "Rückgabe",
                RETURN_BODY,
                created_at=created,
                fields={"PROGRAM_PURCHASE_DATE": (today - timedelta(days=10)).isoformat()},
            )
        )
        st.sandbox.seed(
            ticket_seed(
                ESCALATED,
                "berta.krank@example.org",
                "Rückgabe nach Diagnose",
                ILLNESS_BODY,
                created_at=created,
                fields={"PROGRAM_PURCHASE_DATE": (today - timedelta(days=130)).isoformat()},
            )
        )
        assert st.ticket_started(RETURN, "eva.e2e@example.org", "Rückgabe").status_code == 202
        assert st.ticket_started(ESCALATED, "berta.krank@example.org", "Rückgabe nach Diagnose").status_code == 202
        assert st.decision(RETURN).outcome == "approve"
        escalated = st.decision(ESCALATED)
        assert (escalated.outcome, escalated.escalate_to) == ("escalate", "ofd")
        assert st.agent_replied(RETURN, "reply-1").json()["status"] == "ignored"
        yield st


def log_in(page: Any, st: Stack, password: str = LEAD[2]) -> Any:
    page.goto(f"{st.url}/queue")
    page.fill("input[name=email]", LEAD[0])
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def test_a_wrong_password_is_refused_and_the_login_page_stays(page: Any, stack: Stack) -> None:
    page.goto(f"{stack.url}/decisions")
    assert "/login" in page.url
    screenshot(page, "01-login")
    page.fill("input[name=email]", LEAD[0])
    page.fill("input[name=password]", "falsches-passwort")
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
        page.click("button[type=submit]")
    assert info.value.status == 401
    assert page.locator("[role=alert]").inner_text() == "E-Mail oder Passwort ist falsch."
    screenshot(page, "02-login-wrong-password")
    page.goto(f"{stack.url}/queue")
    assert "/login" in page.url  # still not logged in


def test_a_post_without_the_csrf_token_is_refused_even_when_logged_in(page: Any, stack: Stack) -> None:
    # The login form without its token: refused before the password is even looked at.
    page.goto(f"{stack.url}/login")
    r = page.context.request.post(f"{stack.url}/login", form={"email": LEAD[0], "password": LEAD[2]})
    assert r.status == 400 and "CSRF-Token fehlt" in r.text()
    log_in(page, stack)
    decision_id = stack.decision(ESCALATED).id
    r = page.context.request.post(f"{stack.url}/ofd/{decision_id}", form={"verb": "reject", "comment": "ohne Token"})
    assert r.status == 400 and "CSRF-Token fehlt" in r.text()
    page.set_content(r.text())
    screenshot(page, "03-csrf-refused")
    page.goto(f"{stack.url}/ofd")
    assert page.locator(f"#case-{decision_id}").count() == 1  # still open: nothing was carried out


def test_a_lead_logs_in_finds_a_decision_approves_the_ofd_case_and_the_note_arrives(page: Any, stack: Stack) -> None:
    log_in(page, stack)
    assert page.url.endswith("/queue")
    assert page.locator("h1").inner_text() == "Warteschlange"
    assert page.locator("#kpi-waiting b").inner_text() == "0"
    assert page.locator("svg.chart").count() == 1
    screenshot(page, "04-warteschlange")

    # find the decision: filter by type, open it, read note and actions
    page.click("text=Entscheidungen")
    page.select_option("select[name=type]", "program_return")
    page.select_option("select[name=outcome]", "approve")
    with page.expect_navigation():
        page.click("button:has-text('Filtern')")
    rows = page.locator("#decisions tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-ticket") == str(RETURN)
    screenshot(page, "05-entscheidungen")
    with page.expect_navigation():
        rows.first.locator(f"a:has-text('#{RETURN}')").click()
    assert "K-RET-30" in page.inner_text("main")
    assert "Rückgabe" in page.locator("#note").inner_text()
    assert page.locator(f"a[href='https://team.groovehq.com/groove_client/tickets/{RETURN}']").count() == 1
    screenshot(page, "06-entscheidung")

    # the OFD: approve the escalated case with a comment
    page.click("text=OFD")
    decision_id = stack.decision(ESCALATED).id
    case = page.locator(f"#case-{decision_id}")
    assert "Eskalieren" in case.inner_text() and "OFD" in case.inner_text()
    screenshot(page, "07-ofd")
    case.locator("textarea[name=comment]").fill("Härtefall: Rückgabe ausnahmsweise genehmigt.")
    with page.expect_navigation():
        case.locator("button:has-text('Freigeben')").click()
    assert "wird ausgeführt" in page.locator(".flash").first.inner_text()

    notes = wait_until(
        lambda: [n for n in stack.notes(ESCALATED) if "Freigegeben" in n],
        timeout=60,
        what="follow-up note in the sandbox",
    )
    assert len(notes) == 1
    assert "Hanna Head" in notes[0] and "Härtefall: Rückgabe ausnahmsweise genehmigt." in notes[0]
    assert len(stack.notes(ESCALATED)) == 2  # the decision's note and the follow-up, nothing more

    page.goto(f"{stack.url}/ofd")
    assert page.locator(f"#case-{decision_id}").count() == 0
    recent = page.locator("#recent-reviews").inner_text()
    assert "freigegeben" in recent and "Hanna Head" in recent
    screenshot(page, "08-ofd-erledigt")

    # service metrics: one answered ticket, the charts are there
    page.click("text=Service-Kennzahlen")
    assert page.locator("h1").inner_text() == "Service-Kennzahlen"
    assert re.fullmatch(r"\d+ s|\d+ min", page.locator("#kpi-median b").inner_text())
    assert page.locator("svg.chart").count() == 3
    assert "Rückgabe" in page.locator("#volume").inner_text()
    screenshot(page, "09-service-kennzahlen")


def test_a_notes_stimmt_nicht_link_records_the_right_type_on_the_decision_page_and_in_the_export(
    page: Any, stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    [note] = [n for n in stack.notes(RETURN) if "Stimmt die Einschätzung?" in n]
    link = re.search(r'<a href="([^"]+/verdict/[^"]+)">Stimmt nicht</a>', note)
    assert link, note
    decision_id = stack.decision(RETURN).id

    # No login: the signed link is enough. Pick the right type and outcome, say why, sign with a name.
    page.goto(link.group(1).replace("&amp;", "&"))
    assert "Was wäre richtig gewesen?" in page.inner_text("main")
    page.select_option("select[name=right_type]", "program_extension")
    page.select_option("select[name=right_outcome]", "approve")
    page.fill("textarea[name=comment]", "Sie will verlängern, nicht zurückgeben.")
    page.fill("input[name=name]", "Eva Agentin")
    screenshot(page, "10-stimmt-nicht")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "ist festgehalten" in page.inner_text("main")

    log_in(page, stack)
    page.goto(f"{stack.url}/decisions/{decision_id}")
    verdicts = page.locator("#verdicts").inner_text()
    assert "Stimmt nicht" in verdicts and "Verlängerung" in verdicts and "Genehmigen" in verdicts
    assert "Eva Agentin" in verdicts and "Sie will verlängern, nicht zurückgeben." in verdicts
    screenshot(page, "11-urteil")

    out = tmp_path_factory.mktemp("export") / "verdicts.jsonl"
    r = stack.goodwill(["verdicts", "export", str(out)])
    assert r.returncode == 0, r.stderr
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["ticket"]["number"] == RETURN and row["verdict"]["name"] == "Eva Agentin"
    assert (row["label"]["request_type"], row["label"]["outcome"]) == ("program_extension", "approve")
    assert row["label"]["why"] == "Sie will verlängern, nicht zurückgeben."
