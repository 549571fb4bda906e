"""The placeholder of 诉求内容 (and the other multi-line fields) is not drawn over pinyin being
composed: input-method events as an IME sends them, offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from agent_app.ui.intake.fields import LimitedTextEdit
from agent_app.ui.intake.screen import IntakeScreen

HINT = "What happened, where and since when"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def preedit(widget, text: str) -> None:
    QApplication.sendEvent(widget, QInputMethodEvent(text, []))


def commit(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def picture(widget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage()


@pytest.fixture
def edits(qtbot):
    """A field with the placeholder and the same field without one, side by side."""
    made = []
    for placeholder in (HINT, ""):
        edit = LimitedTextEdit(2000)
        edit.setPlaceholderText(placeholder)
        edit.resize(320, 90)
        qtbot.addWidget(edit)
        edit.show()
        made.append(edit)
    return made


def test_while_composing_the_field_looks_as_if_it_had_no_placeholder(edits):
    hinted, plain = edits
    assert picture(hinted) != picture(plain)  # the hint shows on the empty field
    for edit in edits:
        preedit(edit, "nihao")
    assert hinted.toPlainText() == "" and hinted.composition.composing
    assert picture(hinted) == picture(plain)
    for edit in edits:
        preedit(edit, "nihaoma")  # the composition goes on
    assert picture(hinted) == picture(plain)


def test_the_placeholder_returns_when_the_composition_is_cancelled(edits):
    hinted, _plain = edits
    empty_with_hint = picture(hinted)
    preedit(hinted, "ni")
    preedit(hinted, "")  # Esc in the input method: the preedit goes, nothing is committed
    assert hinted.placeholderText() == HINT and not hinted.composition.composing
    assert picture(hinted) == empty_with_hint


def test_committed_chinese_is_text_and_the_hint_is_kept_for_when_it_is_cleared(edits):
    hinted, _plain = edits
    preedit(hinted, "nihao")
    commit(hinted, "你好")
    assert hinted.text() == "你好"
    assert hinted.placeholderText() == HINT
    hinted.set_text("")
    assert picture(hinted) != picture(edits[1])


def test_a_placeholder_set_while_composing_is_kept(edits):
    hinted, _plain = edits
    preedit(hinted, "ni")
    hinted.setPlaceholderText("发生了什么")  # e.g. the language switched meanwhile
    preedit(hinted, "")
    assert hinted.placeholderText() == "发生了什么"


def test_the_content_field_of_the_intake_form_hides_its_hint_while_composing(qtbot, tasks):
    screen = IntakeScreen(tasks, actor="op01")
    qtbot.addWidget(screen)
    screen.show()
    content = screen.form.content
    hint = content.placeholderText()
    assert hint
    content.setFocus()
    preedit(content, "nihao")
    assert content.placeholderText() == ""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1366, 768), (1920, 1080)):
        screen.resize(width, height)
        picture(screen).save(str(ARTIFACTS / f"intake_composing_{width}x{height}.png"))
    commit(content, "你好")
    assert content.text() == "你好" and content.placeholderText() == hint
