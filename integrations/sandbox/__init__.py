"""Local sandbox speaking Groove v1 (+ the GraphQL tag operations) and ActiveCampaign v3.

    from integrations.sandbox import create_sandbox_app, serve, start_sandbox
    sandbox = start_sandbox(seed=..., ac_rate_limit=5)   # background thread, free port
    GrooveClient(base_url=sandbox.groove_base_url, token="any", ...)
    ActiveCampaignClient(base_url=sandbox.ac_base_url, token="any", ...)

See docs/sandbox.md for the seed format and the admin endpoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from integrations.sandbox.app import RunningSandbox, create_sandbox_app, load_seed_file, serve, start_sandbox

DEMO_SEED_PATH = Path(__file__).with_name("demo_seed.json")


def load_demo_seed() -> dict[str, Any]:
    """Four German demo tickets (extension with attest, refund, Club pause, download question) + contacts."""
    return load_seed_file(DEMO_SEED_PATH)


__all__ = [
    "DEMO_SEED_PATH",
    "RunningSandbox",
    "create_sandbox_app",
    "load_demo_seed",
    "load_seed_file",
    "serve",
    "start_sandbox",
]
