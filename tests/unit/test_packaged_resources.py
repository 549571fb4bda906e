"""Every folder of resources/ ships with both kinds of install: the frozen bundle
(build.spec) and a wheel (pyproject's data files). A folder added to one and not the other
was how the bundle came to start without the smart-intake words."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = sorted(p.name for p in (ROOT / "resources").iterdir() if p.is_dir())


def test_the_bundle_carries_every_resource_folder():
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    missing = [name for name in FOLDERS if f'"resources/{name}"' not in spec]
    assert FOLDERS and missing == []


def test_a_wheel_carries_every_resource_folder():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = project["tool"]["setuptools"]["data-files"]
    missing = [name for name in FOLDERS if f"share/hotline-agent/resources/{name}" not in shipped]
    assert FOLDERS and missing == []
