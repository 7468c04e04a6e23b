"""Start-up time of the command line: `aqb --version` and `aqb --help`, beside `python -c pass`.

Each command runs as a new process, the way a user or a script starts it; rounds alternate the
three commands so that drift affects all alike. Prints the median wall time of each, and its ratio
to the raw floor (`python -c pass`: the interpreter starting and stopping, nothing imported).
Target (issue 13): `aqb --version` under 0.25 s.

Example:
    .venv/bin/python -m bench.startup
    .venv/bin/python -m bench.startup --rounds 41
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

AQB = Path(sys.executable).with_name("aqb")
TARGET_SECONDS = 0.25


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(rounds: int) -> dict[str, float]:
    commands = {"python -c pass": [sys.executable, "-c", "pass"], "aqb --version": [str(AQB), "--version"],
                "aqb --help": [str(AQB), "--help"]}
    for command in commands.values():  # warm the file cache
        _seconds(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            times[name].append(_seconds(command))
    return {name: statistics.median(found) for name, found in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21, help="runs of each command (median reported)")
    args = parser.parse_args()
    if not AQB.exists():
        sys.exit(f"{AQB} not found: install the project first (scripts/setup)")
    medians = measure(args.rounds)
    floor = medians["python -c pass"]
    print(f"{'command':<16} {'median':>9} {'× floor':>8}   ({args.rounds} runs each)")
    for name, seconds in medians.items():
        print(f"{name:<16} {seconds * 1000:>7.1f} ms {seconds / floor:>7.1f}×")
    version = medians["aqb --version"]
    verdict = "met" if version < TARGET_SECONDS else "NOT met"
    print(f"target: aqb --version under {TARGET_SECONDS * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
