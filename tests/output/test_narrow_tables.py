"""At 80 columns and down to 60, money, dates, positions and ids are never split across lines;
text wraps; when even that does not fit, rows become records."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rich.console import Console

from cli.output.tables import layout

TRAIL = [{"pos": n, "recorded (UTC)": datetime(2024, 7, 12, 9, 30, n, tzinfo=UTC), "effective": date(2024, 7, n),
          "actor": "a.schneider@HMSI", "amount (EUR)": Decimal(amount),
          "what and why": "Landkreis Lahn-Dill-Kreis 2024: AQB 1,185,000.00; 4 categories, 8 projects; reason: "
                          "Zielvereinbarung 2024 eingegangen"}
         for n, amount in ((1, "1185000.00"), (2, "0.00"), (13, "35000.00"))]
STATUS = [{"kind": "project", "item": f"P{n}", "name": name, "planned": Decimal(p), "current": Decimal(c),
           "places": places}
          for n, name, p, c, places in ((4, "Selbstlernzentrum", "95000.00", "60000.00", 40),
                                        (5, "Kompetenzförderung für Menschen im Langzeitbezug", "190000.00",
                                         "225000.00", 25))]
MONEY = ["planned", "current", "amount (EUR)"]


def render_at(width: int, rows: list[dict[str, object]], locale: str = "en") -> str:
    out = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    out.print(layout(rows, list(rows[0]), out, title="Audit trail of AQB-2024-06532", caption="times in UTC",
                     numeric=MONEY, locale=locale))  # type: ignore[arg-type]
    return out.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def whole_values(rows: list[dict[str, object]], locale: str) -> list[str]:
    from cli.output.locale import text

    return [text(v, locale) for r in rows for v in r.values()  # type: ignore[arg-type]
            if isinstance(v, Decimal | int | date) or v == "a.schneider@HMSI"]


@pytest.mark.parametrize("width", [60, 70, 80, 100, 160])
@pytest.mark.parametrize("locale", ["en", "de"])
@pytest.mark.parametrize("rows", [TRAIL, STATUS], ids=["trail", "status"])
def test_no_whole_value_is_split(width: int, locale: str, rows: list[dict[str, object]]) -> None:
    shown = render_at(width, rows, locale)
    lines = shown.splitlines()
    assert all(len(line) <= width for line in lines)
    for value in whole_values(rows, locale):
        pattern = re.compile(rf"(?<![\d.,]){re.escape(value)}(?![\d.,])")
        assert any(pattern.search(line) for line in lines), f"{value!r} split at {width} columns:\n{shown}"


def test_text_columns_wrap_when_the_table_still_fits() -> None:
    shown = render_at(80, STATUS)
    assert "┃" in shown  # still a table
    assert "Kompetenzförderung für Menschen im Langzeitbezug" not in shown  # the name wrapped
    assert "225,000.00" in shown


def test_too_narrow_for_the_whole_values_gives_records() -> None:
    shown = render_at(60, TRAIL)
    assert "┃" not in shown
    assert "amount (EUR): 1,185,000.00" in re.sub(" +", " ", shown)
    assert "recorded (UTC): 2024-07-12 09:30:01" in re.sub(" +", " ", shown)
    assert shown.count("pos:") == 3


def test_today_at_80_columns_money_no_longer_wraps() -> None:
    shown = render_at(80, TRAIL, "de")
    assert "1.185.000,00" in shown and "0,00" in shown


OVERVIEW = [{"party": f"{ags} {name}", "agreed": Decimal("1185000.00"), "granted": Decimal("1185000.00"),
             "disbursed": Decimal("900000.00"), "undrawn": Decimal("285000.00"), "in_force": date(2024, 7, 10)}
            for ags, name in (("06532", "Lahn-Dill-Kreis"), ("06534", "Landkreis Marburg-Biedenkopf"))]


@pytest.mark.parametrize("columns", ["80", "60"])
def test_emit_table_at_the_terminal_width_from_columns(
    columns: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cli import render

    monkeypatch.setenv("COLUMNS", columns)
    render.emit_table(OVERVIEW, list(OVERVIEW[0]), "table", title="Statewide overview 2024",
                      numeric=["agreed", "granted", "disbursed", "undrawn"])
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    for value in ("1,185,000.00", "900,000.00", "285,000.00", "2024-07-10"):
        assert sum(value in line for line in lines) >= 2, (value, lines)
    assert any("06532" in line for line in lines)
