"""User text never drives the terminal: no markup, no escape sequence, no bidi trick reaches it raw."""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from cli import render
from cli.output.neutral import has_hidden, json_text, markup_safe, visible

ESC = "\x1b"
HOSTILE = f"{ESC}[2J{ESC}]0;pwned\x07 [bold red]x[/] \u202eevil\u202c \u2066iso\u2069 a\u2028b \x85 \u200bz\rCR\x00"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def test_control_and_format_characters_become_visible_stand_ins() -> None:
    assert visible("a\x1b[31mb") == "a␛[31mb"
    assert visible("\u202eabc") == "<U+202E>abc"
    assert visible("x\u2066y\u2069") == "x<U+2066>y<U+2069>"
    assert visible("l\u2028p\u2029") == "l<U+2028>p<U+2029>"
    assert visible("c1\x9b") == "c1<U+009B>"
    assert visible("one\ntwo") == "one␊two"
    assert visible("one\ntwo", keep_newlines=True) == "one\ntwo"
    assert visible("\x1b", pictures=False) == "<U+001B>"


def test_ordinary_german_text_passes_unchanged() -> None:
    text = "Kompetenzförderung für Menschen im Langzeitbezug – „Jump in“ · Maßnahme §5 € ✔"
    assert visible(text) == text
    assert not has_hidden(text)


@given(st.text())
def test_nothing_invisible_survives(text: str) -> None:
    assert not RAW.search(visible(text))
    assert not has_hidden(visible(text))


@given(st.text())
def test_json_stays_exact_and_terminal_safe(text: str) -> None:
    dumped = json_text({"reason": text, "list": [text]})
    assert json.loads(dumped) == {"reason": text, "list": [text]}
    assert not RAW.search(dumped.replace("\n", ""))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@given(JSON_VALUES)
def test_json_is_the_text_the_standard_module_writes(data: object) -> None:
    """The fast writer changes nothing: the same text as ``json.dumps(indent=2)``, byte for byte
    (what it refuses, a lone surrogate or an integer beyond 64 bits, goes the standard way)."""
    standard = json.dumps(data, indent=2, ensure_ascii=False)
    assert json.loads(json_text(data)) == json.loads(standard)
    assert json_text(data) == re.sub("[^\x20-\x7e\n]", lambda m: json.dumps(m.group())[1:-1]
                                     if has_hidden(m.group()) else m.group(), standard)


def test_markup_is_shown_as_typed() -> None:
    out = Console(file=io.StringIO(), width=200, color_system=None)
    out.print(markup_safe("[bold red]x[/] [link=http://a]y[/link]"))
    assert out.file.getvalue().strip() == "[bold red]x[/] [link=http://a]y[/link]"  # type: ignore[attr-defined]


def _printed(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, action) -> str:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "120")
    action()
    return capsys.readouterr().out


def test_tables_titles_captions_and_receipts_show_no_raw_escape(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [{"id": "D1", "cause": HOSTILE}]
    out = _printed(capsys, monkeypatch, lambda: render.emit_table(rows, ["id", "cause"], "table",
                                                                  title=f"Trail {HOSTILE}", caption=HOSTILE))
    out += _printed(capsys, monkeypatch, lambda: render.emit_receipt("table", f"Recorded {HOSTILE}.", id="x"))
    out += _printed(capsys, monkeypatch, lambda: render.console().print(f"direct {HOSTILE}"))
    assert not RAW.search(out), repr(out)
    assert "[bold red]x[/]" in out  # markup shown, not applied
    assert "␛[2J" in out and "<U+202E>evil" in out


def test_receipt_stays_one_line(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _printed(capsys, monkeypatch, lambda: render.emit_receipt("table", "Recorded x\nerror: fake"))
    assert out == "Recorded x␊error: fake\n"


def test_plain_text_outputs_are_neutral(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"id": "D1", "cause": HOSTILE}]
    for fmt in ("json", "csv", "markdown"):
        render.emit_table(rows, ["id", "cause"], fmt, title=HOSTILE)
    out = capsys.readouterr().out
    assert not RAW.search(out.replace("\r\n", "\n")), repr(out)


def test_json_output_is_the_exact_data(capsys: pytest.CaptureFixture[str]) -> None:
    render.emit_object({"cause": HOSTILE}, "json", None)
    assert json.loads(capsys.readouterr().out) == {"cause": HOSTILE}
