"""scripts/build_fcitx_plugin.py's choices: which Debian Qt matches the wheel's, and where the
Debian archive is (the machine's own apt sources)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("build_fcitx_plugin",
                                              ROOT / "scripts" / "build_fcitx_plugin.py")
assert spec is not None and spec.loader is not None
build = importlib.util.module_from_spec(spec)
sys.modules["build_fcitx_plugin"] = build
spec.loader.exec_module(build)

# What the suites held when the script was written (apt-cache madison qt6-base-private-dev).
MADISON = [build.DebianQt("6.11.2+dfsg-7", "unstable"), build.DebianQt("6.11.2+dfsg-5",
                                                                        "testing"),
           build.DebianQt("6.8.2+dfsg-9+deb13u2", "stable"),
           build.DebianQt("6.4.2+dfsg-10", "oldstable")]


@pytest.mark.parametrize(("debian", "expected"), [
    ("6.11.2+dfsg-7", "6.11.2"), ("6.8.2+dfsg-9+deb13u2", "6.8.2"), ("6.4.2-1", "6.4.2"),
    ("1:6.9.0~rc1-1", "6.9.0"), ("6.10.1", "6.10.1"),
])
def test_the_upstream_version_of_a_debian_version(debian, expected):
    assert build.upstream(debian) == expected


def test_the_debian_qt_of_exactly_the_wheels_version_is_chosen():
    assert build.matching_qt(MADISON, "6.11.2") == MADISON[0]
    assert build.matching_qt(MADISON, "6.8.2").suite == "stable"
    with pytest.raises(build.NoMatchingQtError) as refused:
        build.matching_qt(MADISON, "6.11.3")
    assert "6.11.2, 6.4.2, 6.8.2, not for this PySide6's Qt 6.11.3" in str(refused.value)
    with pytest.raises(build.NoMatchingQtError, match="for nothing"):
        build.matching_qt([], "6.11.2")


def test_the_mirror_comes_from_this_machines_apt_sources(tmp_path, monkeypatch):
    real_path = build.Path

    def moved(path: str | Path = ".", *more: str) -> Path:
        return real_path(str(tmp_path) + str(real_path(path, *more)))

    etc = tmp_path / "etc" / "apt" / "sources.list.d"
    etc.mkdir(parents=True)
    (etc / "security.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n")
    (etc / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\n")
    monkeypatch.setattr(build, "Path", moved)
    assert build.system_mirror() == "http://mirror.example/debian"
    (etc / "debian.sources").unlink()
    (tmp_path / "etc" / "apt" / "sources.list").write_text(
        "# comment\ndeb [arch=amd64] http://other.example/debian bookworm main\n")
    assert build.system_mirror() == "http://other.example/debian"
