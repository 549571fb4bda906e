"""A server host installs `.[server]` and gets no GUI toolkit (issue 21, item 5).

The project is installed as a wheel (not editable, no system site-packages) into a fresh
virtual environment, from a copy of the sources, so nothing of this checkout or of the
development environment can stand in for what the install brought. pip fetches the
dependencies from the package index (or its cache): about a minute on a warm cache.
`SKIP_SERVER_INSTALL_TEST=1` skips it locally.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

import agent_app

ROOT = Path(agent_app.__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "agent_app", "central_api", "resources")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("SKIP_SERVER_INSTALL_TEST") == "1",
                       reason="SKIP_SERVER_INSTALL_TEST=1"),
]

# Run inside the fresh environment: the server imports, reads its shipped resources (the
# catalogues and the Chinese of the core's sentences), and nothing of the desktop is there.
PROBE = """
import importlib.util, json, sys
import central_api.app, central_api.cli, central_api.sync
from agent_app.core.wire import W_MALFORMED
from central_api.chinese import translate
from central_api.app import _read_catalogue
missing = [name for name in ("PySide6", "shiboken6", "keyring", "requests", "rapidfuzz")
           if importlib.util.find_spec(name) is not None]
print(json.dumps({
    "central_api": central_api.__file__,
    "desktop_packages_present": missing,
    "qt_loaded": sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6"))),
    "reason": translate("Wire", W_MALFORMED),
    "english": W_MALFORMED,
    "categories": len(_read_catalogue("categories.json")),
}, ensure_ascii=False))
"""


def _copy_sources(target: Path) -> Path:
    source = target / "src"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / name)
    return source


def test_the_server_installs_and_runs_without_pyside6(tmp_path: Path) -> None:
    import json

    source = _copy_sources(tmp_path)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True, system_site_packages=False, clear=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    bin_dir = python.parent
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean_env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"{source}[server]"],
        capture_output=True, text=True, env=clean_env, cwd=tmp_path, timeout=900)
    assert installed.returncode == 0, installed.stderr[-4000:]

    probe = subprocess.run([str(python), "-c", PROBE], capture_output=True, text=True,
                           env=clean_env, cwd=tmp_path, timeout=300)
    assert probe.returncode == 0, probe.stderr[-4000:]
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert Path(found["central_api"]).is_relative_to(env_dir)  # the install, not this checkout
    assert found["desktop_packages_present"] == []
    assert found["qt_loaded"] == []
    assert found["reason"] != found["english"]  # the server answers in Chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in found["reason"])
    assert found["categories"] > 0

    # The entry point runs there: it builds a database with its own migrations.
    database = tmp_path / "central.db"
    migrated = subprocess.run(
        [str(bin_dir / "agent-api"), "migrate", "--db", f"sqlite:///{database}"],
        capture_output=True, text=True, env=clean_env, cwd=tmp_path, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    tables = subprocess.run(
        [sys.executable, "-c",
         "import sqlite3, sys; print(' '.join(r[0] for r in sqlite3.connect(sys.argv[1])"
         ".execute(\"SELECT name FROM sqlite_master WHERE type='table'\")))", str(database)],
        capture_output=True, text=True, timeout=60)
    assert {"tickets", "users", "server_meta"} <= set(tables.stdout.split())
