"""A throwaway PostgreSQL cluster for the test suite, started from the installed server binaries.

Used when AQB_TEST_DATABASE_URL is not set. initdb refuses to run as root, so as root the cluster
is run as the `postgres` system user (which the Debian/Ubuntu packages create).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL tests need a server. Either set AQB_TEST_DATABASE_URL=postgresql://USER@HOST:PORT/DB, "
    "or install the server binaries so the suite can start a throwaway cluster "
    "(Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)."
)


class ClusterError(RuntimeError):
    pass


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def _run(self, tool: str, *args: str, check: bool = True) -> None:
        command = [str(self.bindir / tool), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise ClusterError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")


def find_bindir() -> Path | None:
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    candidates += [os.path.dirname(p) for p in [shutil.which("initdb") or ""] if p]
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> Cluster:
    bindir = find_bindir()
    if bindir is None:
        raise ClusterError(INSTALL_HINT)
    run_as = None
    base = Path(tempfile.mkdtemp(prefix="aqb-pg-"))
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise ClusterError("running as root and no 'postgres' system user exists to run the "
                               "throwaway cluster; " + INSTALL_HINT) from None
        run_as = "postgres"
        os.chown(base, user.pw_uid, user.pw_gid)
    cluster = Cluster(bindir, base / "data", free_port(), run_as)
    cluster._run("initdb", "-D", str(cluster.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                 "--no-sync", "--no-instructions")
    options = f"-F -p {cluster.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    cluster._run("pg_ctl", "-D", str(cluster.datadir), "-o", options, "-l", str(base / "log"), "-w", "start")
    return cluster
