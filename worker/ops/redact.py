"""The one redaction of free text that may hold a customer's e-mail address or a secret.

Used wherever an error text is stored or shown: the log lines (worker/ops/logs.py, behind the
known secret values), the failed-job rows and the inbox's `last_error` (worker/store/failures.py),
the queue page (worker/web/ui, the `redact` filter) and `goodwill status`. A leaf module: it imports
nothing of the project, so the store may use it too.

E-mail addresses are found as written, percent-encoded (`anna%40example.org` in a URL's query, as
a connection error quotes it) and with non-ASCII letters (`jürgen@müller.de`, also encoded as
`j%C3%BCrgen%40m%C3%BCller.de`), including hosts without a dot (`user@localhost`). A host that is
an IP address (`postgres@127.0.0.1`) is not an e-mail address and stays.
"""

from __future__ import annotations

import re

# An address around each separator: "@", or "%40" (and "%2540", encoded twice). Local part: letters
# of any script, digits, . _ % + - (percent escapes included), at most 128 characters; domain: labels
# of the same kind, the last one starting with a letter. Searched from the separators outward, so a
# long text costs linear time.
_SEPARATOR = re.compile(r"@|%(?:25)?40")
_LOCAL = re.compile(r"[\w.%+\-]{1,128}\Z")
_DOMAIN = re.compile(r"(?:[\w%\-]{1,128}\.){0,16}(?:[^\W\d_]|%[0-9A-Fa-f]{2})[\w%\-]{0,128}")
URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@/\s]+@", re.IGNORECASE)
SECRET_PATH = re.compile(r"(/webhooks/groove/|/events/[a-z-]+/|/decisions/\d+/act/)[^/?\s\"']+")


def redact_secret_paths(text: str) -> str:
    """URL path segments that are secrets (webhook secret, one-click link token) → [redacted]."""
    return SECRET_PATH.sub(r"\1[redacted]", text)


def redact_emails(text: str) -> str:
    """Every e-mail address → [email]."""
    out: list[str] = []
    done = 0
    for sep in _SEPARATOR.finditer(text):
        if sep.start() < done:
            continue  # inside the address just replaced
        local = _LOCAL.search(text, max(done, sep.start() - 128), sep.start())
        domain = _DOMAIN.match(text, sep.end())
        if local and domain:
            out += (text[done : local.start()], "[email]")
            done = domain.end()
    return "".join(out) + text[done:] if out else text


def redact(text: str | None) -> str:
    """Passwords in URLs → [secret], secret URL paths → [redacted], e-mail addresses → [email]."""
    if not text:
        return text or ""
    text = URL_PASSWORD.sub(r"\1[secret]@", text)
    return redact_emails(redact_secret_paths(text))
