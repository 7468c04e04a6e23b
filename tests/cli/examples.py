"""The examples the documentation gives, as blocks of command lines: every command's `Example:`
block (docs/cli.md holds the same blocks, generated from --help) and the `aqb` lines of the
README's shell code blocks (with the `export AQB_DATABASE_URL=…` lines between them)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from cli.docs import walk

ROOT = Path(__file__).parents[2]
FRESH = (("demo",), ("db", "migrate"))  # a block that starts with these starts from an empty database
BOOTSTRAP = (("principal", "bootstrap"),)  # … from a migrated one without a registry
ROOT_OPTIONS = {"--database", "--actor", "--format", "--locale"}  # the root options that take a value


@dataclass(frozen=True)
class Block:
    """Lines that run in order on one workspace; `where` says where the documentation gives them."""

    where: str
    lines: tuple[str, ...]

    def words(self) -> list[list[str]]:
        """Each command of the block as its words (`;` separates commands on one line; a redirection
        `> FILE` stays as the two words `>` and `FILE`)."""
        found: list[list[str]] = []
        for line in self.lines:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=";>")
            lexer.whitespace_split, lexer.commenters = True, "#"
            current: list[str] = []
            for word in lexer:
                if word == ";":
                    found.append(current)
                    current = []
                else:
                    current.append(word)
            found.append(current)
        return [w for w in found if w]

    def start(self) -> str:
        """"empty", "migrated" or "demo": the database its first aqb command needs."""
        first = next(w for w in self.words() if w[0] == "aqb")
        path: list[str] = []
        skip = False
        for word in first[1:]:
            if skip or word.startswith("-"):
                skip = not skip and word in ROOT_OPTIONS
                continue
            path.append(word)
        if any(tuple(path[: len(p)]) == p for p in FRESH):
            return "empty"
        if any(tuple(path[: len(p)]) == p for p in BOOTSTRAP):
            return "migrated"
        return "demo"


def _joined(lines: list[str]) -> list[str]:
    """Continuation lines (ending in a backslash) joined to their command."""
    found, current = [], ""
    for line in lines:
        current += line.strip().removesuffix("\\").rstrip() + " " if line.rstrip().endswith("\\") else line.strip()
        if not line.rstrip().endswith("\\"):
            found.append(current.strip())
            current = ""
    return [f for f in found if f]


def example_lines(help_text: str) -> list[str]:
    """The lines of a help text's `Example:` block."""
    if "Example:" not in help_text:
        return []
    lines = []
    for line in help_text.split("Example:", 1)[1].strip("\n").splitlines():
        if not line.strip():
            break
        lines.append(line)
    return _joined(lines)


def help_blocks() -> list[Block]:
    return [Block(" ".join(("aqb", *path, "--help")), tuple(example_lines(command.help or "")))
            for path, command in walk() if example_lines(command.help or "")]


def docs_blocks() -> list[tuple[str, ...]]:
    """The Example: blocks as docs/cli.md shows them."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    found = []
    for part in text.split("  Example:\n")[1:]:
        lines = []
        for line in part.splitlines():
            if not line.strip() or line.startswith("```"):
                break
            lines.append(line)
        found.append(tuple(_joined(lines)))
    return found


README_LINE = re.compile(r"^(aqb |export AQB_DATABASE_URL=)")


def readme_blocks() -> list[Block]:
    """Each ```bash block of the README with an aqb line: its aqb and export lines."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = []
    for number, match in enumerate(re.finditer(r"```bash\n(.*?)```", text, re.DOTALL), 1):
        lines = [line for line in _joined(match.group(1).splitlines()) if README_LINE.match(line)]
        if any(line.startswith("aqb ") for line in lines):
            heading = text[: match.start()].rsplit("\n## ", 1)[-1].split("\n", 1)[0]
            blocks.append(Block(f"README.md, bash block {number} ({heading})", tuple(lines)))
    return blocks
