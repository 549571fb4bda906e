"""The full KB screen and its place in the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from agent_app.core.enums import Role
from agent_app.settings import Settings, save_settings
from agent_app.sync.client import CentralClient, SignedIn, UserProfile
from agent_app.ui.kb.model import STALE_ROLE
from agent_app.ui.kb.screen import KbScreen
from agent_app.ui.main_window import MainWindow
from tests.ui.test_kb_panel import ARTICLES, result_ids, seed, type_chinese


@pytest.fixture
def screen(qtbot, tasks, db):
    seed(db, ARTICLES)
    made = KbScreen(tasks, stale_after_days=365)
    qtbot.addWidget(made)
    made.resize(1000, 650)
    made.show()
    return made


def test_the_screen_opens_with_the_search_focused_and_copies_the_answer(qtbot, screen):
    qtbot.waitUntil(screen.panel.search_box.hasFocus, timeout=2000)
    type_chinese(screen.panel.search_box, "租房提取")
    qtbot.waitUntil(lambda: "gjj-1" in result_ids(screen.panel), timeout=5000)
    QTest.keyClick(screen.panel.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.panel.reader.article is not None, timeout=5000)
    QTest.keyClick(screen.panel.reader.body, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text()
                    == screen.panel.reader.article.body, timeout=5000)
    assert screen.panel.reader.status.text()


def test_the_user_setting_decides_what_is_stale(qtbot, tasks, db):
    seed(db, ARTICLES)
    save_settings(db.path.parent, Settings(stale_article_days=10_000))
    made = KbScreen(tasks)
    qtbot.addWidget(made)
    made.panel.search_box.setText("社保卡")
    made.panel.search_now()
    qtbot.waitUntil(lambda: "sb-1" in result_ids(made.panel), timeout=5000)
    row = result_ids(made.panel).index("sb-1")
    assert made.panel.model.index(row).data(STALE_ROLE) is False


def test_the_main_window_lists_the_kb_screen_after_the_overview(qtbot, tasks, dead_url):
    user = UserProfile("op01", "话务员一号", Role.OPERATOR, None)
    window = MainWindow(tasks, SignedIn(dead_url, user, "token", offline=True),
                        CentralClient(dead_url, timeout=(2, 5)), health_check_ms=60_000)
    qtbot.addWidget(window)
    keys = [screen.key for screen in window.screens]
    assert keys.index("kb") > keys.index("overview")
    assert isinstance(window.screens[keys.index("kb")].widget, KbScreen)
