"""A throwaway PostgreSQL cluster for the test session, made from the installed server binaries.

initdb + pg_ctl in a temp dir, listening on 127.0.0.1 at a free port, fsync off (nothing here must survive
a crash of the machine). PostgreSQL refuses to run as root, so under root the cluster belongs to the
`postgres` system user (or `nobody`) and its commands run through runuser. When no binaries are found,
`find_binaries` says where it looked, for the skip reason.
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

SEARCH = ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]


def find_binaries() -> tuple[Path | None, str]:
    """The directory holding initdb and pg_ctl, or None and where they were looked for."""
    on_path = shutil.which("initdb")
    places = ([str(Path(on_path).parent)] if on_path else []) + SEARCH
    for place in places:
        if all((Path(place) / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return Path(place), ""
    return None, f"no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in {', '.join(SEARCH)}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str | None:
    """Who runs the server when we are root; None when we are not root (the server runs as us)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root with neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    user: str | None
    durable: bool = False  # fsync on, as a real deployment runs (benchmarks); off for tests

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://claimbot@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root, check=False)
        if result.returncode:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"{' '.join(args[:1])} failed: {result.stderr or result.stdout}\n{log}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "claimbot", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start"
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(bindir: Path, *, durable: bool = False) -> Cluster:
    user = _unprivileged_user()
    root = Path(tempfile.mkdtemp(prefix="claimbot-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    cluster = Cluster(bindir, root, _free_port(), user, durable)
    try:
        cluster.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster
