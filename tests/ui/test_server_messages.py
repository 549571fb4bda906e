"""Every refusal the central API gives, and the network client's own sentences, reach the user
in Chinese — a server's refusal by its code (core/refusals.py), an older server's by its English
detail; so do the labels of Qt's file dialog that Qt's shipped catalogue lacks."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel

from agent_app.core import refusals
from agent_app.core.actions import R_STATE
from agent_app.core.passwords import R_TOO_SHORT
from agent_app.sync.client import ApiError, CentralClient, ServerUnreachableError
from agent_app.ui.failures import (
    CLIENT_MESSAGES,
    OLDER_SERVERS_REFUSALS,
    failure_text,
    server_text,
)
from agent_app.ui.i18n import install_translator, remove_translator
from agent_app.ui.ticket.commands import refusal_text

CENTRAL_API = Path(__file__).resolve().parents[2] / "central_api"
HAN = re.compile("[\u4e00-\u9fff]")

# What the server said before its refusals had codes (English details, and three Chinese
# sentences of its own), with a sample value in the gaps: a client still shows each in Chinese.
OLDER_SERVERS_DETAILS = (
    "invalid username or password", "原密码不正确。", "密码刚被修改，请重新登录后再试。",
    "each date may appear only once", "request body too large (limit 1 MiB)",
    "server epoch changed: resync from scratch", "cursor too old: resync from scratch",
    "missing bearer token", "invalid or expired token", "your role may not do this",
    "你的客户端记录超前于服务器：请从头重新同步。",
    "a unit submits articles for its own unit only", "article T-0001 belongs to another unit",
    "no article T-0001", "no draft T-0001", "draft T-0001 is published",
    "say why the draft is rejected: the unit reads the note",
    "server epoch changed: resync, then push", "this client id belongs to another user",
    "no ticket T-0001", "deadline needs a time zone offset",
    "requested_deadline needs a time zone offset",
)


def spelled_out_refusals() -> list[str]:
    """Every HTTPException / unauthorized / JSONResponse / AccountError / WorkflowError that spells
    its sentence out instead of naming a refusal of the vocabulary."""
    found: list[str] = []
    for path in CENTRAL_API.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("HTTPException", "unauthorized", "JSONResponse",
                                         "AccountError", "WorkflowError")):
                continue
            for arg in node.args:
                parts = arg.values if isinstance(arg, ast.Dict) else [arg]
                found.extend(f"{path.name}: {ast.unparse(part)}" for part in parts
                             if isinstance(part, ast.Constant | ast.JoinedStr)
                             and isinstance(getattr(part, "value", ""), str))
    return found


@pytest.fixture
def chinese(qapp):
    translator = install_translator(qapp, "zh_CN")
    yield
    remove_translator(qapp, translator)


def test_the_server_refuses_only_in_the_vocabulary():
    assert spelled_out_refusals() == []


def test_the_vocabulary_holds_every_refusal_once():
    codes = [refusal.code for refusal in refusals.REFUSALS.values()]
    assert len(codes) == len(set(codes)) >= 30
    sentences = [refusal.sentence for refusal in refusals.REFUSALS.values()
                 if refusal.context == refusals.CONTEXT]
    assert len(sentences) == len(set(sentences))


def _answered(error: refusals.RefusedError) -> ApiError:
    """The ApiError a client makes of the server's answer to `error`."""
    body = refusals.answer_body(error)
    return ApiError(error.status, str(body["detail"]), None, str(body["code"]),
                    tuple(str(value) for value in body["values"]),  # type: ignore[attr-defined]
                    body.get("sentence"))  # type: ignore[arg-type]


@pytest.mark.parametrize("refusal", [refusal for refusal in refusals.REFUSALS.values()
                                     if refusal.context == refusals.CONTEXT],
                         ids=lambda refusal: refusal.code)
def test_every_refusal_is_said_for_its_code_as_the_server_says_it(chinese, refusal):
    error = refusals.RefusedError(refusal, "T-0001")
    detail = error.translated_text("zh_CN")
    assert HAN.search(detail), refusal.code
    assert failure_text(_answered(error)) == detail
    # Said for the code, not for the detail: a client in another language says its own.
    answered = _answered(error)
    answered.message = "whatever the server wrote"
    assert failure_text(answered) == detail


@pytest.mark.parametrize(("family", "sentence", "shown"), [
    (refusals.TICKET_COMMAND, R_STATE, "工单状态已变化，此操作已不适用。"),
    (refusals.PASSWORD_POLICY, R_TOO_SHORT, "密码至少需要 10 个字符。"),
])
def test_a_family_is_said_by_its_quoted_sentence(chinese, family, sentence, shown):
    error = refusals.RefusedError(family, sentence=sentence)
    assert error.translated_text("zh_CN") == shown
    assert failure_text(_answered(error)) == shown


def test_a_quoted_sentence_this_client_does_not_know_is_said_as_the_server_said_it(chinese):
    error = refusals.RefusedError(refusals.TICKET_COMMAND, sentence="A rule of a newer server.")
    answered = _answered(error)
    answered.message = "新版服务器的规则。"
    assert failure_text(answered) == "新版服务器的规则。"


def test_a_code_this_client_does_not_know_falls_back_to_the_detail(chinese):
    assert failure_text(ApiError(409, "新版服务器的拒绝。", None, "from_a_newer_server")) \
        == "新版服务器的拒绝。"


@pytest.mark.parametrize("sentence", OLDER_SERVERS_DETAILS)
def test_every_older_server_refusal_is_shown_in_chinese(chinese, sentence):
    shown = server_text(sentence)
    assert HAN.search(shown), sentence
    assert HAN.search(failure_text(ApiError(403, sentence)))
    assert HAN.search(refusal_text(sentence))


@pytest.mark.parametrize(("detail", "refusal"), sorted(OLDER_SERVERS_REFUSALS.items()),
                         ids=lambda value: getattr(value, "code", None))
def test_an_older_servers_detail_is_said_in_the_sentence_of_the_refusal_it_meant(
        chinese, detail, refusal):
    assert server_text(detail) == refusals.RefusedError(refusal).translated_text("zh_CN")


@pytest.mark.parametrize(("detail", "name", "refusal"), [
    ("no ticket T-0001", "T-0001", refusals.NO_TICKET),
    ("no article A-7", "A-7", refusals.NO_ARTICLE), ("no draft D-3", "D-3", refusals.NO_DRAFT),
    ("draft D-3 is published", "D-3", refusals.DRAFT_DECIDED),
    ("article A-7 belongs to another unit", "A-7", refusals.ARTICLE_OF_ANOTHER_UNIT),
])
def test_an_older_servers_detail_naming_a_record_names_it_in_the_refusals_sentence(
        chinese, detail, name, refusal):
    assert server_text(detail) == refusals.RefusedError(refusal, name).translated_text("zh_CN")
    assert name in server_text(detail)


def test_the_client_restates_no_refusals_sentence():
    sentences = {refusal.sentence for refusal in refusals.REFUSALS.values()}
    assert not sentences & set(CLIENT_MESSAGES.values())


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
