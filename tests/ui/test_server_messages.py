"""Every sentence the central API refuses with, and the network client's own, reaches the user
in Chinese; so do the labels of Qt's file dialog that Qt's shipped catalogue lacks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel

from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError
from agent_app.ui.failures import failure_text, server_text
from agent_app.ui.i18n import install_translator, remove_translator
from agent_app.ui.ticket.commands import refusal_text

CENTRAL_API = Path(__file__).resolve().parents[2] / "central_api"
HAN = re.compile("[\u4e00-\u9fff]")


def server_sentences() -> list[str]:
    """The message of every HTTPException / unauthorized(...) the server raises with a text
    it spells out (f-strings with a sample value in their gaps)."""
    found: list[str] = []
    for path in CENTRAL_API.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str)
                     for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("HTTPException", "unauthorized")):
                continue
            args = node.args[1:2] if node.func.id == "HTTPException" else node.args[:1]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append(arg.value)
                elif isinstance(arg, ast.Name) and arg.id in constants:
                    found.append(constants[arg.id])
                elif isinstance(arg, ast.JoinedStr):
                    found.append("".join(part.value if isinstance(part, ast.Constant)
                                         else "T-0001" for part in arg.values))
    return found


@pytest.fixture
def chinese(qapp):
    translator = install_translator(qapp, "zh_CN")
    yield
    remove_translator(qapp, translator)


def test_the_scan_finds_the_servers_sentences():
    sentences = server_sentences()
    assert "your role may not do this" in sentences and len(sentences) >= 15


@pytest.mark.parametrize("sentence", server_sentences())
def test_every_server_refusal_is_shown_in_chinese(chinese, sentence):
    shown = server_text(sentence)
    assert HAN.search(shown), sentence
    assert HAN.search(failure_text(ApiError(403, sentence)))
    assert HAN.search(refusal_text(sentence))


def test_a_server_that_is_not_there_is_said_in_chinese(chinese, dead_url):
    client = CentralClient(dead_url, timeout=(0.5, 0.5))
    with pytest.raises(ServerUnreachableError) as raised:
        client.login("op01", "secret")
    assert HAN.search(failure_text(raised.value)), str(raised.value)


def test_the_file_dialog_labels_are_chinese(chinese, qtbot):
    dialog = QFileDialog(None, "导出")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    assert labels and all(HAN.search(text) for text in labels), labels
