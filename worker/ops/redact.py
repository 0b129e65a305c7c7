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

# Local part: letters of any script, digits, . _ % + - (percent escapes included); the separator:
# "@", or "%40" (and "%2540", encoded twice). Domain: labels of the same kind, the last one starting
# with a letter. Bounded repetitions keep the search linear on long texts without an address.
EMAIL = re.compile(
    r"[\w.%+\-]{1,256}(?:@|%(?:25)?40)(?:[\w%\-]{1,256}\.){0,16}(?:[^\W\d_]|%[0-9A-Fa-f]{2})[\w%\-]{0,256}"
)
URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@/\s]+@", re.IGNORECASE)
SECRET_PATH = re.compile(r"(/webhooks/groove/|/events/[a-z-]+/|/decisions/\d+/act/)[^/?\s\"']+")


def redact_secret_paths(text: str) -> str:
    """URL path segments that are secrets (webhook secret, one-click link token) → [redacted]."""
    return SECRET_PATH.sub(r"\1[redacted]", text)


def redact_emails(text: str) -> str:
    return EMAIL.sub("[email]", text)


def redact(text: str | None) -> str:
    """Passwords in URLs → [secret], secret URL paths → [redacted], e-mail addresses → [email]."""
    if not text:
        return text or ""
    text = URL_PASSWORD.sub(r"\1[secret]@", text)
    return redact_emails(redact_secret_paths(text))
