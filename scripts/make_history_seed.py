"""Write the history-import seed: 600 earlier Groove tickets with known requests and gestures.

    .venv/bin/python scripts/make_history_seed.py     (deterministic: the same files every time)

Outputs (tests/fixtures/groove/):
- `sandbox_seed__history_600.json` — a sandbox seed (docs/sandbox.md): 600 tickets of 240 customers from
  2024-06 to 2026-10, each with the customer's mail (a German ticket of the labelled corpus,
  tests/corpus/*.jsonl) and what agents did: replies, the guideline's confirmation insert, internal
  notes ("Verlängerung um 4 Wochen eingerichtet", "Zweite Verlängerung eingerichtet", "Tag
  kulanz_club_pause gesetzt"), Groove ticket tags — and what must not count: refusals, offers (the
  offer insert), customers quoting an insert, auto-replies, the fair-use mailbox's tickets.
- `history_truth__600.json` — the answer key: every ledger entry an import must find (ticket, customer,
  date, request type, outcome "requested" or "approve"), with the tickets' creation dates, so a test
  can cut at its `--since`.

The requests' truth is the corpus label (a goodwill request type); the gestures' truth is what the
generator made the agent write.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "groove"
SEED = 20261210
N_TICKETS = 600
N_CUSTOMERS = 240
START = datetime(2024, 6, 1, 8, 0)
END = datetime(2026, 10, 31, 18, 0)
AGENTS = ["lea@intumind.example", "jonas@intumind.example"]
TEAM_TZ = ZoneInfo("Europe/Berlin")  # the goodwill pack's general.timezone: days are the team's days
GESTURE_TYPES = {
    "program_extension",
    "program_pause",
    "program_return",
    "club_pause",
    "club_cancellation",
    "coach_refund",
    "coach_extension",
}
INSERT_DONE = "[IE Coach] 6-wöchige Verlängerung eingerichtet"
INSERT_OFFER = "[IE Coach Kulanz] 6-wöchige Verlängerung"

OUT_OF_OFFICE = [
    "<p>Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich {d} nicht im Büro. In dringenden Fällen "
    "wenden Sie sich bitte an zentrale@example.de.</p><p>Mit freundlichen Grüßen</p>",
    "<p>Automatische Antwort: Ich bin derzeit im Urlaub und ab dem {d} wieder erreichbar.</p>",
    "<p>Thank you for your email. I am out of the office until {d} with limited access to email.</p>",
]
QUESTIONS = [
    ("Login", "<p>Hallo, ich komme nicht mehr in meinen Account, das Passwort wird nicht angenommen. Gruß</p>"),
    ("Audios", "<p>Hi, die Audios lassen sich auf dem iPhone nicht herunterladen. Was kann ich tun?</p>"),
    ("Rechnung", "<p>Guten Tag, könnten Sie mir bitte eine Rechnung mit meiner neuen Adresse schicken?</p>"),
]


class Draft:
    """One ticket being written: its messages and the ledger entries it must give."""

    def __init__(self, rng: random.Random, texts: dict[str, list[dict]], created: datetime, agent: str) -> None:
        self.rng, self.texts, self.created, self.agent = rng, texts, created, agent
        self.messages: list[dict] = []
        self.found: list[tuple[str, str, datetime]] = []  # (request_type, outcome, when)
        self.subject = ""

    def customer(self, body: str, when: datetime) -> None:
        self.messages.append({"body": body, "author": "customer", "created_at": iso(when)})

    def reply(self, body: str, when: datetime, note: bool = False) -> None:
        self.messages.append({"body": body, "author": self.agent, "created_at": iso(when), "note": note})

    def corpus_mail(self, rtype: str) -> None:
        row = self.rng.choice(self.texts[rtype])
        self.subject = row.get("subject") or ""
        self.customer(html(row["body"]), self.created)
        if rtype in GESTURE_TYPES:
            self.found.append((rtype, "requested", self.created))


def corpus() -> dict[str, list[dict]]:
    by_type: dict[str, list[dict]] = {}
    for name in ("dev.jsonl", "holdout.jsonl"):
        for line in (ROOT / "tests" / "corpus" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                by_type.setdefault(row["label"]["request_type"], []).append(row)
    return by_type


def html(text: str) -> str:
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())


def team_day(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(TEAM_TZ).date().isoformat()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    rng = random.Random(SEED)
    texts = corpus()
    step = (END - START) / N_TICKETS
    customers = [f"kunde{i:03d}@example.org" for i in range(N_CUSTOMERS)]
    extensions_so_far: dict[str, int] = {}
    tickets: list[dict] = []
    truth: list[dict] = []
    kinds = [
        ("extension_granted", 16),
        ("extension_denied", 6),
        ("return", 12),
        ("coach_granted", 8),
        ("coach_offer", 5),
        ("club_pause_granted", 7),
        ("club_cancellation", 6),
        ("pause_refused", 6),
        ("coach_refund", 4),
        ("ticket_tag_extension", 4),
        ("customer_quotes_insert", 3),
        ("question", 12),
        ("auto_reply", 4),
        ("fair_use_mailbox", 3),
        ("other_corpus", 4),
    ]
    names, weights = zip(*kinds)
    for i in range(N_TICKETS):
        number = 20001 + i
        created = START + step * i + timedelta(minutes=rng.randint(0, 300))
        email = rng.choice(customers)
        kind = rng.choices(names, weights)[0]
        draft = Draft(rng, texts, created, rng.choice(AGENTS))
        messages, found = draft.messages, draft.found
        customer, reply = draft.customer, draft.reply
        mailbox = None
        tags: list[str] = []

        def corpus_mail(rtype: str, draft: Draft = draft) -> None:
            draft.corpus_mail(rtype)

        later = created + timedelta(hours=rng.randint(2, 40))
        if kind == "extension_granted":
            corpus_mail("program_extension")
            count = extensions_so_far.get(email, 0) + 1
            extensions_so_far[email] = count
            if count == 1:
                note = rng.choice(
                    [
                        "Verlängerung um 4 Wochen eingerichtet, Tag kulanz_verlaengerung in AC gesetzt.",
                        "Programm um 4 Wochen verlängert (Kulanz), neues Enddatum in AC eingetragen.",
                        "Kulanz: Verlängerung gewährt.",
                    ]
                )
            else:
                note = rng.choice(
                    [
                        "Zweite Verlängerung eingerichtet (Ausnahme, mit Teamlead abgestimmt).",
                        "Erneut verlängert um 4 Wochen, Rücksprache mit Teamlead.",
                    ]
                )
            reply(f"<p>{note}</p>", later, note=True)
            reply("<p>Liebe Grüße, wir haben dein Programm verlängert. Viel Erfolg!</p>", later + timedelta(minutes=5))
            found.append(("program_extension", "approve", later))
        elif kind == "extension_denied":
            corpus_mail("program_extension")
            reply(
                "<p>"
                + rng.choice(
                    [
                        "Verlängerung abgelehnt (schon zweimal verlängert), Coaching-Call angeboten.",
                        "Keine zweite Verlängerung möglich, Kundin auf den Club hingewiesen.",
                    ]
                )
                + "</p>",
                later,
                note=True,
            )
        elif kind == "return":
            corpus_mail("program_return")
            reply("<p>Rückgabe innerhalb der 30 Tage, Erstattung angewiesen.</p>", later, note=True)
            if rng.random() < 0.3:  # the customer writes again: the first wish stays the first
                again = later + timedelta(days=1)
                customer("<p>Ich möchte das Programm wirklich zurückgeben, bitte bestätigt mir das.</p>", again)
        elif kind == "coach_granted":
            corpus_mail("coach_extension")
            reply(f"<p>Liebe Teilnehmerin,</p><p>{INSERT_DONE}</p><p>Herzliche Grüße</p>", later)
            found.append(("coach_extension", "approve", later))
        elif kind == "coach_offer":
            corpus_mail("coach_extension")
            reply(f"<p>{INSERT_OFFER}</p><p>Sag uns einfach Bescheid, ob das für dich passt.</p>", later)
        elif kind == "club_pause_granted":
            corpus_mail("club_pause")
            reply("<p>Club-Pause für 3 Monate eingerichtet, Tag kulanz_club_pause in AC gesetzt.</p>", later, note=True)
            found.append(("club_pause", "approve", later))
        elif kind == "club_cancellation":
            corpus_mail("club_cancellation")
            reply("<p>Austritt zum Ende der Mindestlaufzeit bestätigt.</p>", later)
        elif kind == "pause_refused":
            corpus_mail("program_pause")
            reply("<p>Pausieren ist leider nicht möglich; wir bieten dir ein Coaching-Gespräch an.</p>", later)
        elif kind == "coach_refund":
            corpus_mail("coach_refund")
            reply("<p>An die Coach-Leads weitergegeben.</p>", later, note=True)
        elif kind == "ticket_tag_extension":
            corpus_mail("program_extension")
            tags = ["kulanz_verlaengerung"]  # the agent tagged the Groove ticket with the AC marker
            reply("<p>Wir haben deine Laufzeit angepasst, viel Freude weiterhin!</p>", later)
            found.append(("program_extension", "approve", later))
        elif kind == "customer_quotes_insert":
            draft.subject = "Danke"
            customer(
                f"<p>Hallo, danke euch! In eurer Mail stand „{INSERT_DONE}“ – ich freue mich sehr.</p>"
                "<p>Liebe Grüße</p>",
                created,
            )
            reply("<p>Sehr gern, viel Erfolg!</p>", later)
        elif kind == "question":
            draft.subject, body = rng.choice(QUESTIONS)
            customer(body, created)
            reply("<p>Danke für deine Nachricht, wir haben dir eine Anleitung geschickt.</p>", later)
        elif kind == "auto_reply":
            draft.subject = "Automatische Antwort: Ihr Newsletter"
            customer(rng.choice(OUT_OF_OFFICE).format(d=(created + timedelta(days=10)).strftime("%d.%m.%Y")), created)
        elif kind == "fair_use_mailbox":
            mailbox = "Kundendienst Finecom"
            draft.subject = "Rückmeldung KNU"
            customer("<p>Ich möchte mein Programm verlängern, bitte.</p>", created)  # not read: another process
            reply("<p>Verlängerung eingerichtet.</p>", later, note=True)
        else:  # other_corpus: no goodwill request (other / unclear)
            corpus_mail(rng.choice(["other", "unclear"]))
            reply("<p>Danke, erledigt.</p>", later)
        ticket = {
            "number": number,
            "subject": draft.subject,
            "customer_email": email,
            "created_at": iso(created),
            "state": "closed",
            "tags": tags,
            "messages": messages,
        }
        if mailbox:
            ticket["mailbox"] = mailbox
        tickets.append(ticket)
        for rtype, outcome, when in found:
            truth.append(
                {
                    "ticket": number,
                    "customer": email,
                    "ticket_created": team_day(created),
                    "date": team_day(when),
                    "request_type": rtype,
                    "outcome": outcome,
                    "kind": kind,
                }
            )
    seed = {"groove": {"agents": AGENTS, "tickets": tickets}}
    OUT.joinpath("sandbox_seed__history_600.json").write_text(
        json.dumps(seed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    OUT.joinpath("history_truth__600.json").write_text(
        json.dumps(
            {"generator": "scripts/make_history_seed.py", "seed": SEED, "entries": truth}, ensure_ascii=False, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(tickets)} tickets, {len(truth)} expected ledger entries")


if __name__ == "__main__":
    main()
