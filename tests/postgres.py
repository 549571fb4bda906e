"""A throwaway PostgreSQL cluster for the server tests, started from Debian's binaries.

CI installs the `postgresql` package (scripts/dev.sh); the cluster lives in a temporary folder,
listens on 127.0.0.1 on a free port and is stopped at the end of the session.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")


def find_bin_dir() -> Path | None:
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    versions = sorted(DEBIAN_BINARIES.glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    bin_dir: Path
    data_dir: Path
    port: int
    as_user: list[str]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://hotline@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=hotline dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir),
                        "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _home_of_postgres() -> str | None:
    """The postgres user's home (Debian: /var/lib/postgresql); None: the temp dir."""
    try:
        home = pwd.getpwnam("postgres").pw_dir
    except KeyError:
        return None
    return home if os.path.isdir(home) else None


def start_cluster() -> Cluster:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL server binaries not found (Debian: postgresql)")
    # PostgreSQL refuses to run as root; under root (CI) it runs as the package's own user, in a
    # folder of its own under that user's home: the temp dir may be private to root (mode 0700).
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="hotline-pg-", dir=_home_of_postgres() if as_user
                                   else None))
    data_dir = folder / "data"
    if as_user:
        shutil.chown(folder, user="postgres")
    port = _free_port()
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data_dir), "-A", "trust",
                    "-U", "hotline", "-E", "UTF8", "--no-sync"],
                   capture_output=True, check=True)
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-w", "-l",
                    str(folder / "server.log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], capture_output=True, check=True)
    return Cluster(bin_dir, data_dir, port, as_user)
