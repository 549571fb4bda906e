from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role, TicketStatus
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.queue import SavedView
from agent_app.storage import ops
from agent_app.sync.client import CentralClient, SignedIn, UserProfile
from agent_app.tasks import Topic
from agent_app.ui.i18n import install_translator, remove_translator
from agent_app.ui.main_window import MainWindow
from tests.factories import make_ticket

LEAD = UserProfile("lead01", "班长", Role.LEAD, None)


@pytest.fixture
def chinese(qapp):
    translator = install_translator(qapp, "zh_CN")
    yield
    remove_translator(qapp, translator)


def make_window(qtbot, tasks, url, *, offline=False):
    window = MainWindow(tasks, SignedIn(url, LEAD, "token", offline=offline),
                        CentralClient(url, timeout=(2, 5)), health_check_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    return window


def test_status_bar_shows_online_unsent_count_and_role(qtbot, tasks, api_server, chinese):
    window = make_window(qtbot, tasks, api_server.url)
    qtbot.waitUntil(lambda: window.online is True, timeout=10_000)
    assert "在线" in window.connectivity_label.text()
    assert "班长" in window.user_label.text()
    qtbot.waitUntil(lambda: window.unsent_label.text().endswith("0"), timeout=5000)

    tasks.run_db(lambda db: ops.register_ticket(db, make_ticket()),
                 changes=frozenset({Topic.TICKETS, Topic.OUTBOX}))
    qtbot.waitUntil(lambda: window.unsent_label.text().endswith("1"), timeout=5000)


def test_an_unreachable_server_shows_offline(qtbot, tasks, dead_url, chinese):
    window = make_window(qtbot, tasks, dead_url, offline=True)
    qtbot.waitUntil(lambda: window.online is False, timeout=10_000)
    assert "离线" in window.connectivity_label.text()


def test_overview_counts_follow_the_cache(qtbot, tasks, dead_url):
    window = make_window(qtbot, tasks, dead_url)
    screen = next(s.widget for s in window.screens if s.key == "overview")
    tasks.run_db(lambda db: ops.register_ticket(db, make_ticket("T-1")),
                 changes=frozenset({Topic.TICKETS, Topic.OUTBOX}))
    qtbot.waitUntil(lambda: screen.overview is not None and screen.overview.tickets == 1,
                    timeout=5000)
    assert "1" in screen.cache_label.text()


def test_the_start_of_shift_cards_open_the_queue_on_their_tickets(qtbot, tasks, dead_url):
    now = datetime.now(CHINA_TZ)
    today = replace(make_ticket("T-TODAY", status=TicketStatus.DISPATCHED), created_at=now,
                    unit="市城市管理局", deadline=now + timedelta(hours=1))
    older = replace(make_ticket("T-OLD", status=TicketStatus.ACCEPTED),
                    created_at=now - timedelta(days=3), unit="市城市管理局",
                    deadline=now + timedelta(days=3))
    ops.import_synced_tickets(tasks.db, [ticket_to_dict(today), ticket_to_dict(older)])
    window = make_window(qtbot, tasks, dead_url)
    window.show_screen("overview")
    overview = window.overview
    qtbot.waitUntil(lambda: overview.counts.get(SavedView.TODAY) == 1, timeout=10_000)
    assert overview.counts[SavedView.DUE_SOON] == 1
    assert overview.cards[SavedView.TODAY].text().startswith("1\n")
    # Alt+1 (the first card) from the keyboard: the queue, on today's tickets only.
    overview.cards[SavedView.TODAY].setFocus()
    QTest.keyClick(overview.cards[SavedView.TODAY], Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.queue
    assert window.queue.current_view() is SavedView.TODAY
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1, timeout=10_000)
    assert window.queue.model.row_at(0).id == "T-TODAY"
    assert "Alt+1" in dict(overview.shortcut_help())


def test_navigation_and_shortcut_help(qtbot, tasks, dead_url):
    window = make_window(qtbot, tasks, dead_url)
    help_entries = dict(window.shortcut_help())
    assert help_entries["Ctrl+1"] == window.screens[0].title
    assert "F1" in help_entries


def test_a_saved_ticket_is_synced_in_the_background_and_the_status_bar_says_so(
        qtbot, tasks, api_server, chinese):
    client = CentralClient(api_server.url, timeout=(2, 5))
    login = client.login("op02", "demo")
    client.token = login.token
    window = MainWindow(tasks, SignedIn(api_server.url, login.user, login.token), client,
                        health_check_ms=60_000, sync_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.last_report is not None, timeout=10_000)

    tasks.run_db(lambda db: ops.register_ticket(db, make_ticket("UI-SYNC-1")),
                 changes=frozenset({Topic.TICKETS, Topic.OUTBOX}))
    qtbot.waitUntil(lambda: window.last_report is not None and window.last_report.pushed == 1,
                    timeout=15_000)
    qtbot.waitUntil(lambda: window.unsent_label.text().endswith("0"), timeout=5000)
    assert window.last_sync_label.text().startswith("上次同步")
    assert window.online is True and not window.conflicts_label.isVisible()
    window.close()


def test_an_expired_sign_in_asks_again_and_then_syncs(qtbot, tasks, api_server):
    client = CentralClient(api_server.url, timeout=(2, 5))
    login = client.login("op01", "demo")
    asked: list[bool] = []

    def reauthenticate():
        asked.append(True)
        fresh = client.login("op01", "demo")
        return SignedIn(api_server.url, fresh.user, fresh.token)

    client.token = "expired-token"
    window = MainWindow(tasks, SignedIn(api_server.url, login.user, "expired-token"), client,
                        health_check_ms=60_000, sync_ms=60_000, reauthenticate=reauthenticate)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.last_report is not None, timeout=15_000)
    assert asked == [True]
    assert window.session.token == client.token != "expired-token"
    window.close()


def test_screen_pop_brings_the_intake_form_with_the_number(qtbot, tasks, dead_url):
    window = make_window(qtbot, tasks, dead_url, offline=True)
    window.show_screen("overview")
    window.start_call("13800138000")
    assert window.stack.currentWidget() is window.intake
    assert window.intake.form.caller_phone.text() == "13800138000"
    assert window.intake.focusWidget() is window.intake.form.caller_name
