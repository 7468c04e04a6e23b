"""CSV for German Excel and .xlsx: formulas never evaluated, numbers and dates typed, objects as rows."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from cli import render
from cli.output.errors import BinaryToTerminalError
from cli.output.files import deliver
from cli.output.spreadsheet import csv_de, flatten, formula_safe, looks_like_formula
from cli.output.xlsx import table_xlsx

ROWS = [{"position": 5, "effective": date(2024, 7, 10), "recorded": datetime(2024, 7, 12, 9, 30, tzinfo=UTC),
         "amount": Decimal("1185000.00"), "reason": "=HYPERLINK(\"http://x\",\"klick\")", "party": "06532"},
        {"position": 6, "effective": None, "recorded": None, "amount": Decimal("-5.00"), "reason": "-5",
         "party": "Lahn-Dill-Kreis; Wetzlar"}]
COLUMNS = ["position", "effective", "recorded", "amount", "reason", "party"]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1", "\n=cmd", "＝1+1"])
def test_cells_a_spreadsheet_would_evaluate_get_a_quote(text: str) -> None:
    assert looks_like_formula(text)
    assert formula_safe(text).startswith("'")


@pytest.mark.parametrize("text", ["Lahn-Dill-Kreis", "a=b", "1-2", "", "   ", "Mail: a@b"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert formula_safe(text) == text


@given(st.text())
def test_no_csv_cell_of_text_ever_starts_a_formula(text: str) -> None:
    parsed = list(csv.reader(io.StringIO(csv_de([{"t": text}], ["t"]).decode("utf-8-sig"), newline=""),
                             delimiter=";"))[1]
    cell = parsed[0]
    assert cell.startswith("'") or not looks_like_formula(cell)


def test_csv_for_german_excel() -> None:
    data = csv_de(ROWS, COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf")
    body = data.decode("utf-8-sig")
    assert body.count("\r\n") == 3 and "\n" not in body.replace("\r\n", "")
    lines = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert lines[0] == COLUMNS
    assert lines[1] == ["5", "10.07.2024", "12.07.2024 09:30:00", "1185000,00", "'=HYPERLINK(\"http://x\",\"klick\")",
                        "06532"]
    assert lines[2] == ["6", "", "", "-5,00", "'-5", "Lahn-Dill-Kreis; Wetzlar"]  # our number stays a number


def test_csv_for_scripts_escapes_formulas_but_keeps_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    render.emit_table(ROWS, COLUMNS, "csv")
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert lines[1][3:5] == ["1185000.00", "'=HYPERLINK(\"http://x\",\"klick\")"]
    assert lines[2][3:5] == ["-5.00", "'-5"]


def test_xlsx_types_formats_and_header(tmp_path: Path) -> None:
    path = tmp_path / "trail.xlsx"
    path.write_bytes(table_xlsx(ROWS, COLUMNS, title="Audit trail", caption="as of position 6", locale="de"))
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ["position", "effective", "recorded", "amount", "reason", "party"]
    assert sheet.freeze_panes == "A2"
    position, effective, recorded, amount, reason, party = sheet[2]
    assert position.value == 5 and position.data_type == "n"
    assert effective.is_date and effective.value.date() == date(2024, 7, 10) and effective.number_format == "dd.mm.yyyy"
    assert recorded.value == datetime(2024, 7, 12, 9, 30)
    assert amount.number_format == "#,##0.00" and Decimal(str(amount.value)).quantize(Decimal("0.01")) == Decimal(
        "1185000.00")
    assert reason.data_type == "s" and reason.value == "=HYPERLINK(\"http://x\",\"klick\")"
    assert reason.quotePrefix  # Excel keeps it text even when edited
    assert party.data_type == "s" and party.value == "06532"  # the AGS keeps its leading zero
    assert sheet.column_dimensions["D"].width >= len("1,185,000.00")
    about = book["about"]
    assert [[c.value for c in row] for row in about.iter_rows()] == [["title", "Audit trail"],
                                                                     ["caption", "as of position 6"]]


def test_an_object_gives_one_row_per_field_without_json_fragments(tmp_path: Path) -> None:
    status = {"agreement": "AQB-2024-06532", "position": 34,
              "summary": {"agreed": Decimal("1185000.00"), "in_force_since": date(2024, 7, 10)},
              "stages": [{"line": "AQB", "announced": Decimal("985000.00")}, {"line": "total", "announced": None}],
              "participants": ["HMSI", "RP Kassel"]}
    assert list(flatten(status)) == [
        ("agreement", "AQB-2024-06532"), ("position", 34), ("summary › agreed", Decimal("1185000.00")),
        ("summary › in_force_since", date(2024, 7, 10)), ("stages 1 › line", "AQB"),
        ("stages 1 › announced", Decimal("985000.00")), ("stages 2 › line", "total"),
        ("stages 2 › announced", None), ("participants", ["HMSI", "RP Kassel"])]
    target = tmp_path / "status.xlsx"
    render.emit_object(status, "xlsx", None, output=target)
    values = [[c.value for c in row] for row in load_workbook(target).worksheets[0].iter_rows()]
    assert values[3] == ["summary › agreed", 1185000]
    assert values[-1] == ["participants", "HMSI, RP Kassel"]
    assert not any(isinstance(v, str) and v.startswith(("{", "[")) for row in values for v in row)


def test_binary_formats_refuse_a_terminal() -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(BinaryToTerminalError, match="give --output FILE, or redirect stdout to a file"):
        deliver(b"PK", None, fmt="xlsx", stream=Terminal())
    piped = io.BytesIO()
    deliver(b"PK", None, fmt="xlsx", stream=piped)
    assert piped.getvalue() == b"PK"
    csv_on_terminal = Terminal()
    deliver(b"a;b\r\n", None, fmt="csv-de", stream=csv_on_terminal)
    assert csv_on_terminal.getvalue() == b"a;b\r\n"


def test_a_refusal_is_one_line_on_stderr_with_a_usage_exit_code() -> None:
    @click.command()
    def command() -> None:
        raise BinaryToTerminalError("pdf")

    result = CliRunner().invoke(command)
    assert result.exit_code == 2
    assert result.stderr == ("error: --format pdf writes a binary file and stdout is a terminal "
                             "(give --output FILE, or redirect stdout to a file)\n")


def test_piped_xlsx_goes_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    render.emit_table(ROWS, COLUMNS, "xlsx")
    assert capsysbinary.readouterr().out.startswith(b"PK")
