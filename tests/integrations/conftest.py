from __future__ import annotations

import pytest
from vendor_testkit import RecordingLimiter


@pytest.fixture
def limiter() -> RecordingLimiter:
    return RecordingLimiter()
