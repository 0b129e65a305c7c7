"""Try it before trusting it (issue 15): decide past tickets again without writing anything.

- `readonly.py` — the vendor ports wrapped so that every write raises (`goodwill trial` never changes Groove or AC);
- `run.py` — the trial: recorded inputs (`records`) or a fresh read from Groove and AC (`groove`), old vs new;
- `report.py` — the German, self-contained HTML report and the JSON summary;
- `reports.py` — the reports kept in the data directory (the web UI's Probelauf page lists them);
- `export.py` — `goodwill verdicts export`: the team's verdicts as labelled cases for the corpus.
"""
