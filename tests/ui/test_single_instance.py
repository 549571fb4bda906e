"""Screen pop: a second launch hands its request to the running instance and exits."""

from __future__ import annotations

import os
import subprocess
import sys

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
