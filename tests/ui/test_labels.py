"""The UI reads the German labels from the one table in policies/render/labels.py."""

from __future__ import annotations

from policies.render import labels as de
from worker.web.auth import ROLES
from worker.web.ui import labels as ui


def test_the_ui_tables_are_the_policy_tables_not_copies() -> None:
    assert ui.REQUEST_TYPES is de.REQUEST_TYPE and ui.FIELD_LABELS is de.FIELD and ui.MODES is de.MODE
    assert ui.OUTCOMES is de.OUTCOME_TITLE and ui.ESCALATION_TARGETS is de.ESCALATION_TARGET
    assert ui.ACTION_STATES is de.ACTION_STATE and ui.INBOX_STATUS is de.INBOX_STATUS and ui.MEASURES is de.MEASURE
    assert set(de.ROLE) == set(ROLES)
