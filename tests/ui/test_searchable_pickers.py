"""Districts, streets, communities and the units are found by typing a part of the name, its
pinyin initials or its spelling, then Down and Enter, as the category picker does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_app.core.category_search import catalogue_names, pinyin_keys
from agent_app.storage.reference import load_reference
from agent_app.ui.intake.fields import SearchableCombo
from agent_app.ui.intake.screen import IntakeScreen


@pytest.fixture
def screen(qtbot, tasks):
    made = IntakeScreen(tasks, actor="op01")
    qtbot.addWidget(made)
    made.resize(1366, 768)
    made.show()
    made.activateWindow()
    qtbot.waitUntil(lambda: made.form.category._index is not None
                    and bool(made.form.unit.pinyin), timeout=10_000)
    return made


def pick_by_typing(qtbot, combo: SearchableCombo, typed: str, expected: str) -> None:
    combo.setFocus()
    combo.lineEdit().selectAll()
    QTest.keyClicks(combo.lineEdit(), typed)
    popup = combo.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: combo.currentData() == expected, timeout=5000)
    assert combo.currentText() == expected or expected in combo.currentText()


def test_a_place_is_found_by_initials_spelling_and_name(qtbot, screen):
    location = screen.form.location
    pick_by_typing(qtbot, location.district, "xhq", "新华区")
    pick_by_typing(qtbot, location.street, "xigao", "西高皇街道")
    pick_by_typing(qtbot, location.community, "chunhua", "春华社区")
    assert screen.form.state().location == ("新华区", "西高皇街道", "春华社区")


def test_a_unit_is_found_by_pinyin_initials(qtbot, screen):
    form = screen.form
    form.set_outcome(form.outcome().DISPATCH)
    pick_by_typing(qtbot, form.unit, "szfgjj", "市住房公积金管理中心")
    assert form.state().unit == "市住房公积金管理中心"


def test_leaving_the_box_without_picking_keeps_the_choice(qtbot, screen):
    district = screen.form.location.district
    district.setCurrentIndex(district.findData("新华区"))
    district.setFocus()
    district.lineEdit().selectAll()
    QTest.keyClicks(district.lineEdit(), "zzz")
    QTest.keyClick(district.lineEdit(), Qt.Key.Key_Tab)
    assert not district.lineEdit().hasFocus()
    assert district.currentData() == "新华区" and district.currentText() == "新华区"


def test_every_place_and_unit_name_has_pinyin_keys(db):
    catalogue = load_reference(db).catalogue
    keys = pinyin_keys(catalogue_names(catalogue))
    assert keys["新华区"] == "xhq xinhuaqu"
    assert len(keys) > 145
