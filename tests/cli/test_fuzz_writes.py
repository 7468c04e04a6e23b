"""Bad input through every write command: each option of a valid command line is replaced, one at
a time, by values a careless or hostile user would give (amounts of 27 digits, Arabic-Indic and
full-width digits, dates in the years 1 and 9999, ANSI escapes, bidi overrides, line breaks, lone
surrogates, empty texts, 1,001 characters, hashes that are not hashes, URLs that are not URLs).
Every one must be refused with a documented exit code (never 1, the code of a bug), exactly one
line on stderr, no traceback — and nothing written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from cli.params import AmountType, DateType, KeyAmountType, WholeType
from ledger.application import open_ledger
from ledger.domain.validate import MULTILINE

HMSI, RP, PARTY, ADMIN = "a.schneider", "k.becker", "j.weber", "it.admin"
A, G = "AQB-2024-06532", "RPKS-57-AQB-2024-017"
HEX = "ab" * 32

# A valid command line for every write command, against the demo ledger (checked below).
BASELINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "agreement create": (HMSI, ("--year", "2024", "--party", "06611", "--amount", "500000", "--reason", "ZV",
                                "--document", "ZV Kassel")),
    "record allocation": (HMSI, (A, "--amount", "1000", "--cash-year", "2025=1000", "--reason", "Nachtrag",
                                 "--effective", "2024-12-01")),
    "record project": (PARTY, (A, "--name", "Neu", "--category", "QUAL", "--amount", "0", "--places", "3",
                               "--reason", "Plan")),
    "record reallocation": (HMSI, (A, "--from", "P1", "--to", "P2", "--amount", "100", "--approval", "HMSI 9",
                                   "--reason", "Umschichtung", "--effective", "2024-11-01")),
    "record deviation": (PARTY, (A, "--kind", "other", "--cause", "Ursache", "--metric", "places", "--planned",
                                 "10", "--actual", "8", "--effective", "2024-11-01")),
    "record decision": (HMSI, (A, "D1", "--decision", "approved", "--reason", "neu bewertet", "--revise",
                               "--effective", "2024-12-01")),
    "record meeting": (HMSI, (A, "--date", "2024-11-20", "--participant", "HMSI", "--agenda", "Stand",
                              "--discussed", "D1", "--action", "Bericht", "--minutes", "Protokoll")),
    "record publication": (HMSI, (A, "--url", "https://example.org/zv.pdf", "--date", "2024-12-01",
                                  "--sha256", HEX)),
    "record activity": (PARTY, (A, "--kind", "survey", "--title", "Umfrage", "--date", "2024-11-01")),
    "record participation": (PARTY, (A, "--project", "Jump in", "--from", "2024-01-01", "--to", "2024-06-30",
                                     "--entries", "3", "--exits", "1", "--reason", "Bericht")),
    "record correction": (HMSI, (A, "--entry", "2", "--set", "place", "Wiesbaden", "Mainz", "--reason", "Tippfehler",
                                 "--approver", "Referatsleitung")),
    "grant application": (PARTY, (A, "--file-number", "RPKS-57-AQB-2024-099", "--date", "2024-03-01", "--amount",
                                  "1000", "--plan", "QUAL=1000", "--reason", "Antrag")),
    "grant amendment": (RP, (G, "--date", "2024-12-01", "--amount", "1185000", "--cash-year", "2024=900000",
                             "--cash-year", "2025=285000", "--reason", "Änderung")),
    "grant payment": (RP, (G, "--date", "2025-03-01", "--amount", "100", "--reason", "Abruf")),
    "grant proof": (PARTY, (G, "--kind", "interim", "--date", "2025-06-20", "--income", "900000", "--expenses",
                            "880000")),
    "grant refund": (RP, (G, "--amount", "10", "--date", "2025-09-30", "--reason", "Rückforderung",
                          "--effective", "2025-08-01")),
    "assess": (HMSI, (A, "--verdict", "erreicht", "--rationale", "neu", "--deviation", "D1=considered-accepted",
                      "--deviation", "D2=considered-accepted", "--revises", "A1", "--effective", "2025-03-15")),
    "principal register": (ADMIN, ("n.neu", "--name", "Nora Neu", "--organisation", "HMSI", "--act", "record")),
}

AMOUNTS = ["9" * 27, "1e30", "-1", "1.001", "١٢٣", "１２３", "NaN", "Infinity", "1,2,3", "", "\x1b[31m5"]
DATES = ["0001-01-01", "9999-12-31", "2024-02-30", "١٠.٠٧.٢٠٢٤", "２０２４-０７-１０", "", "yesterday"]
WHOLES = ["1e22", "99999999999999999999", "-5", "١٢", "１２", "", "3.5"]
TEXTS = ["\x1b[31mrot\x1b[0m", "a\u202eb", "zwei\nZeilen", "\ud800", "x" * 1001, "\u200b", "tab\there", "\x7f"]
EMPTY = ["", "   "]
HASHES = ["abc", "zz" * 32, HEX + "0"]
URLS = ["", "javascript:alert(1)", "http://", "ftp://example.org/a", "https://exa mple.org/"]
DOCUMENTED = {2, 3, 4, 5, 6, 7, 8, 9, 10}


def command_of(path: str) -> click.Command:
    command: click.Command = cli
    for word in path.split():
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), word)
        assert found is not None, path
        command = found
    if isinstance(command, click.Group):  # `aqb assess ID …` runs its default command
        found = command.get_command(click.Context(command), "new")
        assert found is not None
        command = found
    return command


def bad_values(param: click.Parameter) -> list[str]:
    kind = param.type
    if isinstance(kind, AmountType):
        return AMOUNTS
    if isinstance(kind, DateType):
        return DATES
    if isinstance(kind, WholeType):
        return WHOLES
    if isinstance(kind, KeyAmountType):
        keys = ["１２=5", "1999=5", "2101=5"] if kind.key_is_year else ["x\x1b=5", "a\u202eb=5"]
        return [f"2024={v}" for v in AMOUNTS[:5]] + [*keys, "=5", "2024"]
    if isinstance(kind, click.Choice):
        return ["nope", "\x1b[2J"]
    if param.name == "sha256":
        return HASHES
    if param.name == "url":
        return URLS
    if kind == click.STRING:
        paragraph = param.name in MULTILINE  # line breaks and up to 20,000 characters are its own
        texts = [("x" * 20_001 if paragraph and t == "x" * 1001 else t) for t in TEXTS
                 if not (paragraph and t == "zwei\nZeilen")]
        return texts + (EMPTY if param.required else [])
    return []


def mutations() -> Iterator[tuple[str, str, int, str]]:
    for path, (_, args) in BASELINES.items():
        command = command_of(path)
        options = {opt: p for p in command.params for opt in p.opts}
        for i, arg in enumerate(args):
            param = options.get(arg)
            if param is None or not isinstance(param, click.Option) or param.is_flag or param.nargs != 1:
                continue
            for value in bad_values(param):
                yield path, arg, i + 1, value


CASES = list(mutations())


def aqb(ledger: Path, actor: str, path: str, args: tuple[str, ...]) -> Result:
    return CliRunner().invoke(cli, ["--database", f"sqlite://{ledger}", "--actor", actor, *path.split(), *args],
                              env={"AQB_DATABASE_URL": None, "AQB_ACTOR": None})


def head(ledger: Path) -> int:
    app = open_ledger(f"sqlite://{ledger}")
    try:
        return app.reads.head()
    finally:
        app.close()


@pytest.mark.parametrize("path", sorted(BASELINES))
def test_every_baseline_is_a_valid_command(demo_sqlite: Path, tmp_path: Path, path: str) -> None:
    """Without this, a mutation could be refused for a reason that is not its bad value."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(demo_sqlite, copy)
    actor, args = BASELINES[path]
    result = aqb(copy, actor, path, args)
    assert result.exit_code == 0, result.stderr


def test_the_fuzz_list_reaches_every_write_command() -> None:
    assert {p for p, *_ in CASES} == set(BASELINES)
    assert len(CASES) > 300


@pytest.mark.parametrize(("path", "option", "index", "value"), CASES,
                         ids=[f"{p}:{o}:{ascii(v)[:24]}" for p, o, _, v in CASES])
def test_a_bad_value_is_refused_in_one_line_and_writes_nothing(demo_sqlite: Path, path: str, option: str,
                                                                index: int, value: str) -> None:
    actor, args = BASELINES[path]
    before = head(demo_sqlite)
    mutated = (*args[:index], value, *args[index + 1:])
    result = aqb(demo_sqlite, actor, path, mutated)
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.stderr)
    lines = result.stderr.strip("\n").split("\n")
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr  # shown, never obeyed
    assert head(demo_sqlite) == before
