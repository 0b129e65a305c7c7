"""`goodwill read FILE|-`: what the reader takes from a mail as the customer's new text.

FILE is a CASE.json (its "ticket" is read), a ticket object ({"subject", "body", ...}) or a raw
text/HTML mail. `-` reads JSON lines {"body": ..., "html": true|false|null} from stdin and prints
one JSON line per input line (an input line that is not such an object gets {"error": ...}).

Every output is assembled by `reading()`: one dict, so what else is read from a mail later (the
classifier's verdict, say) is added in that one place.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from policies.model import Ticket
from policies.pack.loader import load_pack
from policies.reading.agreement import read_both_for
from policies.reading.classify import classify
from policies.reading.text import NEW_TEXT_CAP, read_reply, sentences


class ReadInputError(ValueError):
    """The FILE given to `goodwill read` cannot be read as a mail."""


def reading(body: str, *, html: bool | None = None, subject: str | None = None, detail: bool = False) -> dict[str, Any]:
    """The reading of one message body, as printed by `goodwill read`.

    Always: new_text, capped, cut_reason, removed, forwarded, html. With `detail` (one ticket): also
    the subject, the sentences of the new text, the quoted text, the signature and the forwarded text."""
    reply = read_reply(body, html)
    out: dict[str, Any] = {
        "new_text": reply.new_text,
        "capped": reply.capped,
        "cut_reason": reply.cut_reason,
        "removed": list(reply.removed),
        "forwarded": reply.forwarded,
        "html": reply.html,
    }
    if reply.capped:
        out["cap_chars"] = NEW_TEXT_CAP
    if detail:
        if subject is not None:
            out["subject"] = subject
        out["sentences"] = sentences(reply.new_text)
        out["quoted_text"] = reply.quoted_text
        out["signature"] = reply.signature
        if reply.forwarded:
            out["forwarded_text"] = reply.forwarded_text
        out.update(_verdicts(body, subject or ""))
    return out


def _verdicts(body: str, subject: str) -> dict[str, Any]:
    """Both readers' answers and the rule reader's verdict per sentence: why a ticket was read so."""
    ticket = Ticket(number=0, subject=subject, body=body)
    pack = load_pack("goodwill")
    rules = classify(ticket, pack)
    reading_ = read_both_for(ticket, rules, pack)
    out: dict[str, Any] = {"readers": reading_.to_dict(), "evidence": [asdict(e) for e in rules.evidence]}
    # Per-sentence verdicts: cues, negated, tense, object.
    out["sentence_verdicts"] = [asdict(v) for v in rules.sentences]
    return out


def _html_flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def read_file(path: str) -> dict[str, Any]:
    """The detailed reading of one FILE (CASE.json, ticket JSON or raw mail)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ReadInputError(f"{path}: cannot read: {e}") from None
    if not text.lstrip().startswith("{"):
        return reading(text, detail=True)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadInputError(f"{path}: invalid JSON: {e}") from None
    ticket = data.get("ticket") if isinstance(data.get("ticket"), dict) else data
    body = ticket.get("body")
    if not isinstance(body, str):
        raise ReadInputError(f'{path}: no "body" text (a CASE.json, a ticket object or a raw mail)')
    subject = ticket.get("subject")
    return reading(
        body, html=_html_flag(ticket.get("html")), subject=subject if isinstance(subject, str) else None, detail=True
    )


def read_stream(inp: TextIO, out: TextIO) -> int:
    """JSON lines {"body", "html"} in, one JSON line out each; blank lines are skipped."""
    for n, line in enumerate(inp, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("body"), str):
                raise ValueError('not an object with a "body" string')
            result = reading(item["body"], html=_html_flag(item.get("html")))
        except ValueError as e:  # json.JSONDecodeError is a ValueError
            result = {"error": f"line {n}: {e}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return 0
