"""Screen pop: a second launch hands its request to the running instance and exits."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from agent_app.core.intake import is_phone_like
from agent_app.ui.single_instance import InstanceServer, hand_over, server_name


def test_nobody_listening_means_no_hand_over(qapp, tmp_path):
    assert not hand_over(server_name(tmp_path), {"activate": True}, timeout_ms=200)


def test_the_running_instance_receives_the_request(qtbot, tmp_path):
    name = server_name(tmp_path)
    server = InstanceServer(name)
    try:
        assert server.listening
        with qtbot.waitSignal(server.request, timeout=3000) as received:
            assert hand_over(name, {"call": "13800138000"})
        assert received.args == [{"call": "13800138000"}]
    finally:
        server.close()


def test_malformed_messages_are_ignored(qtbot, tmp_path):
    from PySide6.QtNetwork import QLocalSocket

    name = server_name(tmp_path)
    server = InstanceServer(name)
    got: list[dict] = []
    server.request.connect(got.append)
    try:
        socket = QLocalSocket()
        socket.connectToServer(name)
        assert socket.waitForConnected(1000)
        socket.write(b"\xff\xfe not json\n[1, 2]\n")
        socket.waitForBytesWritten(1000)
        with qtbot.waitSignal(server.request, timeout=3000):
            assert hand_over(name, {"activate": True})
        assert got == [{"activate": True}]
    finally:
        server.close()


def test_agent_app_call_hands_the_number_to_the_running_instance(qtbot, tmp_path):
    """The CTI integration's command: a separate process, exit 0, the number delivered."""
    server = InstanceServer(server_name(tmp_path))
    try:
        with qtbot.waitSignal(server.request, timeout=20_000) as received:
            process = subprocess.Popen(
                [sys.executable, "-m", "agent_app", "--data-dir", str(tmp_path), "call",
                 "--number", "0375-2345678"],
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert process.wait(timeout=30) == 0
        assert received.args == [{"call": "0375-2345678"}]
    finally:
        server.close()


def test_a_screen_pop_number_must_look_like_one():
    assert is_phone_like("13800138000") and is_phone_like("0375-2345678")
    assert not is_phone_like("") and not is_phone_like("12") and not is_phone_like("1" * 21)
    assert not is_phone_like("138;rm -rf") and not is_phone_like("<b>1</b>")
    result = subprocess.run([sys.executable, "-m", "agent_app", "call", "--number", "abc"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "not a phone number" in result.stderr


# Item 9: the socket is private to this account -----------------------------------------------

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="Linux sockets are files in folders with modes")


@linux_only
def test_the_socket_lives_in_a_folder_only_this_account_can_enter(qapp, tmp_path):
    server = InstanceServer(server_name(tmp_path))
    try:
        socket_path = Path(server_name(tmp_path))
        assert socket_path.is_socket()
        folder = socket_path.parent.stat()
        assert folder.st_uid == os.getuid() and stat.S_IMODE(folder.st_mode) == 0o700
        assert stat.S_IMODE(socket_path.stat().st_mode) & 0o077 == 0
    finally:
        server.close()


@linux_only
def test_a_folder_someone_else_made_under_our_name_is_not_used(qapp, tmp_path, monkeypatch):
    """Planted by another account in /tmp (a link to a folder it controls, here): the client
    must neither listen there nor hand a caller's number to whatever listens there."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    elsewhere = tmp_path / "attacker"
    elsewhere.mkdir(mode=0o777)
    (tmp_path / "tmp" / f"hotline-agent-{os.getuid()}").symlink_to(elsewhere)
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    name = server_name(data_dir)
    assert Path(name).parent == data_dir / "run"
    assert stat.S_IMODE((data_dir / "run").stat().st_mode) == 0o700


@linux_only
def test_a_connection_from_another_user_id_is_refused(qtbot, tmp_path):
    name = server_name(tmp_path)
    server = InstanceServer(name)
    got: list[dict] = []
    server.request.connect(got.append)
    try:
        assert server.allowed_uid == os.getuid()
        server.allowed_uid = os.getuid() + 1  # as if we were another account
        assert hand_over(name, {"call": "13800138000"})
        qtbot.wait(300)  # no signal can be awaited for a message that must never arrive
        assert got == []
        server.allowed_uid = os.getuid()
        with qtbot.waitSignal(server.request, timeout=3000):
            assert hand_over(name, {"call": "13800138000"})
        assert got == [{"call": "13800138000"}]
    finally:
        server.close()


@linux_only
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root can run a process as another account")
def test_another_account_cannot_even_connect(qapp, tmp_path):
    name = server_name(tmp_path)
    server = InstanceServer(name)
    try:
        probe = ("import socket, sys\n"
                 "s = socket.socket(socket.AF_UNIX)\n"
                 "try:\n"
                 "    s.connect(sys.argv[1])\n"
                 "except PermissionError:\n"
                 "    sys.exit(13)\n"
                 "sys.exit(0)\n")
        # The system interpreter: a virtualenv under root's home is not another account's to run.
        python = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
        result = subprocess.run([python, "-c", probe, name], user=65534, cwd="/",
                                capture_output=True, timeout=30)
        assert result.returncode == 13, result.stderr
    finally:
        server.close()
