"""Pure goodwill policy core: reading, clauses, rendering, packs. No I/O, no clock.

Entry points: `policies.decide.decide_ticket` and `policies.decide.decide_overrun` (and `decide`,
which picks one for a CASE.json). Packages: `reading/` (what the customer wrote and wants),
`rules/` (the clauses), `render/` (every German word), `pack/` (versioned TOML parameters),
`offline/` (case files and evaluation); `model.py` and `vocab.py` are shared by all of them.
"""
