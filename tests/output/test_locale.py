"""Numbers and dates as people in Germany read them, when asked; JSON never localises."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cli import render
from cli.output.locale import UnknownLocaleError, day, moment, money, resolve, text

AMOUNT = Decimal("1185000.00")
SIGNED = date(2024, 7, 10)


def test_german_and_english_money_and_dates() -> None:
    assert money(AMOUNT, "de") == "1.185.000,00"
    assert money(AMOUNT, "en") == "1,185,000.00"
    assert money(Decimal("0.5"), "de") == "0,50"
    assert money(AMOUNT, "de", grouping=False) == "1185000,00"
    assert day(SIGNED, "de") == "10.07.2024"
    assert day(SIGNED, "en") == "2024-07-10"
    assert moment(datetime(2024, 11, 3, 14, 2, tzinfo=UTC), "de") == "03.11.2024 14:02:00"
    assert text(True, "de") == "ja"
    assert text({"AQB": AMOUNT, "signed": SIGNED}, "de") == "AQB: 1.185.000,00; signed: 10.07.2024"


def test_the_locale_comes_from_the_argument_then_aqb_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve() == "en"
    monkeypatch.setenv("AQB_LOCALE", "de_DE.UTF-8")
    assert resolve() == "de"
    assert resolve("en") == "en"
    with pytest.raises(UnknownLocaleError, match="unknown locale 'fr'"):
        resolve("fr")


def test_tables_follow_the_locale_and_json_does_not(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    rows = [{"agreement": "AQB-2024-06532", "amount": AMOUNT, "signed": SIGNED}]
    render.emit_table(rows, ["agreement", "amount", "signed"], "table", locale="de", numeric=["amount"])
    shown = capsys.readouterr().out
    assert "1.185.000,00" in shown and "10.07.2024" in shown
    monkeypatch.setenv("AQB_LOCALE", "de")
    render.emit_table(rows, ["agreement", "amount", "signed"], "table")
    assert "1.185.000,00" in capsys.readouterr().out
    render.emit_table(rows, ["agreement", "amount", "signed"], "json")
    assert json.loads(capsys.readouterr().out) == [{"agreement": "AQB-2024-06532", "amount": "1185000.00",
                                                    "signed": "2024-07-10"}]
    render.emit_table(rows, ["agreement", "amount", "signed"], "csv")
    assert capsys.readouterr().out.splitlines()[1] == "AQB-2024-06532,1185000.00,2024-07-10"
