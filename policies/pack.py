"""Policy packs: versioned TOML config that parameterises the pure policy code.

A pack is loaded once at start-up; an invalid pack raises `PackError` with one line
naming the problem, and the worker refuses to start.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PACK_DIR = Path(__file__).with_name("packs")
MODES = ("shadow", "assist", "auto")


class PackError(ValueError):
    pass


@dataclass(frozen=True)
class PolicyPack:
    id: str
    version: str
    tenant: str
    raw: dict[str, Any] = field(repr=False, compare=False, hash=False)

    # -- sections the worker reads -------------------------------------------------
    @property
    def ac_fields(self) -> dict[str, str]:
        return dict(self.raw.get("ac_fields", {}))

    @property
    def applied_marker_tag(self) -> str | None:
        return self.raw.get("markers", {}).get("applied_tag")

    def is_goodwill_marker(self, tag: str) -> bool:
        markers = self.raw.get("markers", {})
        t = tag.lower()
        return any(c.lower() in t for c in markers.get("contains", ())) or any(
            t.startswith(p.lower()) for p in markers.get("prefixes", ())
        )

    def mode_for(self, request_type: str) -> str:
        modes = self.raw.get("modes", {})
        return modes.get(request_type, modes.get("default", "assist"))

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.raw.get(name, {}))


def _validate(raw: dict[str, Any], origin: str) -> PolicyPack:
    for key in ("id", "version"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise PackError(f"policy pack {origin}: '{key}' must be a non-empty string")
    for rt, mode in raw.get("modes", {}).items():
        if mode not in MODES:
            raise PackError(f"policy pack {origin}: modes.{rt} = {mode!r}, expected one of {', '.join(MODES)}")
    fields = raw.get("ac_fields", {})
    if not all(isinstance(v, str) and v for v in fields.values()):
        raise PackError(f"policy pack {origin}: every ac_fields value must be a non-empty perstag string")
    from policies import validators  # late import: validators know the clause parameters

    validators.validate_pack(raw, origin)
    return PolicyPack(id=raw["id"], version=raw["version"], tenant=raw.get("tenant", ""), raw=raw)


@lru_cache(maxsize=16)
def load_pack(name_or_path: str = "goodwill") -> PolicyPack:
    """Load a built-in pack by name (`goodwill`, `fair-use`) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PACK_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        raise PackError(f"policy pack {name_or_path!r} not found (looked for {path})")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise PackError(f"policy pack {path.name}: invalid TOML: {e}") from e
    return _validate(raw, path.name)


def available_packs() -> list[str]:
    return sorted(p.stem for p in PACK_DIR.glob("*.toml"))
