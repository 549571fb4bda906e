"""`--data-dir` is accepted after the subcommand as well as before it, and a screen pop goes
to the running instance without loading the GUI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent_app.cli import build_parser, main
from tests.cli import agent_app

COMMANDS = [["call", "--number", "13800138000"], ["kb", "search", "公积金"],
            ["kb", "import", "-"], ["report", "--month", "2026-11"], ["selfcheck"],
            ["sync", "--once"], ["diagnostics", "-o", "x.zip"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_data_dir_after_the_subcommand_is_the_same_as_before_it(command, tmp_path):
    parser = build_parser()
    after = parser.parse_args([*command, "--data-dir", str(tmp_path)])
    before = parser.parse_args(["--data-dir", str(tmp_path), *command])
    assert after.data_dir == before.data_dir == tmp_path
    assert parser.parse_args(command).data_dir is None


def test_selfcheck_uses_the_folder_given_after_the_subcommand(tmp_path):
    result = agent_app("selfcheck", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "agent.db").exists()


def test_a_screen_pop_is_handed_to_the_running_instance(qapp, tmp_path, monkeypatch):
    from agent_app.ui.single_instance import InstanceServer, server_name

    server = InstanceServer(server_name(tmp_path))
    received: list[dict] = []
    server.request.connect(received.append)
    assert server.listening

    def no_gui(*_args, **_kwargs):
        raise AssertionError("the GUI was started for a screen pop")

    monkeypatch.setattr("agent_app.commands.gui.launch_gui", no_gui)
    assert main(["call", "--number", "13800138000", "--data-dir", str(Path(tmp_path))]) == 0
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(5000)
    while not received and not deadline.hasExpired():
        qapp.processEvents()
    server.close()
    assert received == [{"call": "13800138000"}]


def test_the_fast_path_names_the_socket_as_the_instance_server_does(tmp_path):
    from agent_app.commands.call import _instance_name
    from agent_app.ui.single_instance import server_name

    assert _instance_name(tmp_path) == server_name(tmp_path)


@given(st.text(alphabet="0123456789-+ a中٣²", max_size=25) | st.text(max_size=25))
def test_the_command_line_takes_the_numbers_the_intake_rules_take(text):
    from agent_app.commands.call import is_phone_like as quick_check
    from agent_app.core.intake import is_phone_like

    assert quick_check(text) == is_phone_like(text)
