"""Neutralising user text: nothing a user typed can drive the terminal, reorder what is shown,
or hide in plain sight.

Control characters (C0, DEL, C1), bidi embeddings, overrides and isolates, line and paragraph
separators and every other invisible format character (Unicode category Cf) are replaced by a
visible stand-in: a C0 control by its Control Picture (ESC as ``␛``, CR as ``␍``), anything else by
``<U+XXXX>``. Ordinary letters, umlauts, typographic quotes and dashes pass unchanged.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import orjson

OutputRow = Mapping[str, Any]  # a row of output: column name -> value

NEWLINE = "\n"
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


@lru_cache(maxsize=4096)
def _stand_in(char: str, pictures: bool = True) -> str:
    code = ord(char)
    if pictures and code < 0x20:
        return chr(0x2400 + code)
    if pictures and code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def visible(text: str, *, keep_newlines: bool = False, pictures: bool = True) -> str:
    """Text with every control and invisible format character shown as a visible stand-in.

    With ``keep_newlines``, a line feed stays a line break (a table cell may span lines; it cannot
    leave its cell). Without, it shows as ``␊`` so a one-line title or receipt stays one line.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char if (keep_newlines and char == NEWLINE) or not _hidden(char) else _stand_in(char, pictures)
        for char in text
    )


def has_hidden(text: str) -> bool:
    """Whether the text holds anything ``visible`` would replace (line feeds included)."""
    return any(_hidden(char) for char in text)


def markup_safe(text: str, *, keep_newlines: bool = False) -> str:
    """User text for rich: visible, and with rich markup escaped (``[red]`` prints as typed)."""
    from rich.markup import escape  # noqa: PLC0415 (error messages use `visible` and need no rich)

    return escape(visible(text, keep_newlines=keep_newlines))


_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e\n]")


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return json.dumps(char)[1:-1] if _hidden(char) else char


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """JSON for scripts: the data exact, the bytes terminal-safe.

    ``json.dumps`` already writes C0 controls as ``\\u001b``; here C1 controls, bidi and other
    invisible format characters are written as ``\\uXXXX`` escapes too. Such characters can only
    occur inside JSON strings, so the parsed data is identical.
    """
    try:  # orjson writes the same text as the standard module, ten times as fast
        if indent != 2:
            raise TypeError("orjson indents by two spaces only")
        dumped = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # also what orjson refuses: a lone surrogate, an integer beyond 64 bits
        dumped = json.dumps(data, indent=indent, ensure_ascii=False)
    return _NOT_PLAIN_ASCII.sub(_json_escape, dumped)
