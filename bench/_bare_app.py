"""The baseline for bench/intake.py: a Flask endpoint that only answers 202, served by
`worker.web.serve.run` — the very gunicorn settings `goodwill web` uses (gthread, threads, logger)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, jsonify

from worker.web.serve import run


def create_bare_app() -> Flask:
    app = Flask("bare")

    @app.post("/webhooks/groove/<secret>")
    def hook(secret: str):  # type: ignore[no-untyped-def]
        return jsonify({"status": "accepted"}), 202

    return app


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    args = ap.parse_args()
    run(create_bare_app(), host="127.0.0.1", port=args.port, workers=args.workers, threads=args.threads)
