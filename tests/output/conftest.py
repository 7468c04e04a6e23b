from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_locale_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their locale; the developer's AQB_LOCALE never leaks in."""
    monkeypatch.delenv("AQB_LOCALE", raising=False)
