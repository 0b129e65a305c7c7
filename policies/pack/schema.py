"""What a policy pack is: the `PolicyPack` value, its error, and the shape of the TOML it comes from.

Both the loader and the clause parameters (`params.py`) import this module, and it imports
neither, so the two can check a pack without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from policies.vocab import Mode

MODES: tuple[str, ...] = tuple(m.value for m in Mode)
# Top-level keys and tables every pack may have besides its clause sections (params.py).
GENERAL_KEYS = frozenset({"id", "version", "tenant", "process"})
GENERAL_TABLES = frozenset({"markers", "ac_fields", "modes"})
MARKER_KEYS = frozenset({"contains", "prefixes", "applied_tag"})


class PackError(ValueError):
    pass


@dataclass(frozen=True)
class PolicyPack:
    id: str
    version: str
    tenant: str
    raw: dict[str, Any] = field(repr=False, compare=False, hash=False)

    @property
    def ac_fields(self) -> dict[str, str]:
        return dict(self.raw.get("ac_fields", {}))

    @property
    def applied_marker_tag(self) -> str | None:
        tag = self.raw.get("markers", {}).get("applied_tag")
        return str(tag) if tag else None

    def is_goodwill_marker(self, tag: str) -> bool:
        markers = self.raw.get("markers", {})
        t = tag.lower()
        return any(c.lower() in t for c in markers.get("contains", ())) or any(
            t.startswith(p.lower()) for p in markers.get("prefixes", ())
        )

    def mode_for(self, request_type: str) -> Mode:
        modes = self.raw.get("modes", {})
        return Mode(modes.get(request_type, modes.get("default", Mode.ASSIST)))

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.raw.get(name, {}))


def line_of(text: str, section: str, key: str | None = None) -> int | None:
    """The line of `[section]` (or of `key = ` inside it) in the TOML text, for error messages."""
    head = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
    any_head = re.compile(r"^\s*\[")
    inside = False
    for no, line in enumerate(text.splitlines(), 1):
        if head.match(line):
            if key is None:
                return no
            inside = True
            continue
        if inside and any_head.match(line):
            return None
        if inside and re.match(rf"^\s*{re.escape(key or '')}\s*=", line):
            return no
        if key is not None and not inside and section == "" and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return no
    return None
