"""Policy packs: versioned TOML config that parameterises the pure policy code.

A pack is loaded once at start-up; an invalid pack raises `PackError` with one line
naming the problem, and the worker refuses to start.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from policies.pack import params
from policies.pack.schema import MODES, PackError, PolicyPack

PACK_DIR = Path(__file__).with_name("packs")

__all__ = ["MODES", "PACK_DIR", "PackError", "PolicyPack", "available_packs", "load_pack", "parse_pack"]


def _validate(raw: dict[str, Any], origin: str, text: str = "") -> PolicyPack:
    for key in ("id", "version"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise PackError(f"policy pack {origin}: '{key}' must be a non-empty string")
    for rt, mode in raw.get("modes", {}).items():
        if mode not in MODES:
            raise PackError(f"policy pack {origin}: modes.{rt} = {mode!r}, expected one of {', '.join(MODES)}")
    fields = raw.get("ac_fields", {})
    if not all(isinstance(v, str) and v for v in fields.values()):
        raise PackError(f"policy pack {origin}: every ac_fields value must be a non-empty perstag string")
    params.validate_pack(raw, origin, text)
    return PolicyPack(id=raw["id"], version=raw["version"], tenant=raw.get("tenant", ""), raw=raw)


def parse_pack(text: str, origin: str) -> PolicyPack:
    """A pack from its TOML text; `origin` names it in error messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PackError(f"policy pack {origin}: invalid TOML: {e}") from e
    return _validate(raw, origin, text)


@lru_cache(maxsize=16)
def load_pack(name_or_path: str = "goodwill") -> PolicyPack:
    """Load a built-in pack by name (`goodwill`, `fair-use`) or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = PACK_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        raise PackError(f"policy pack {name_or_path!r} not found (looked for {path})")
    return parse_pack(path.read_text(encoding="utf-8"), path.name)


def available_packs() -> list[str]:
    return sorted(p.stem for p in PACK_DIR.glob("*.toml"))
