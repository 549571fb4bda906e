"""The unit workbench on a real central API: a district signs in, lands on its own queue in
Chinese, accepts, passes down to its street; the street replies up; refusals show in
Chinese next to the form. Screenshots at 1366×768 and 1920×1080 go to artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from agent_app.core.actions import NetworkStep
from agent_app.core.enums import Role
from agent_app.core.lifecycle import Action
from agent_app.storage import ops
from agent_app.storage.database import open_database
from agent_app.sync.client import CentralClient, SignedIn
from agent_app.sync.engine import SyncEngine
from agent_app.ui.i18n import install_translator, remove_translator
from agent_app.ui.main_window import MainWindow
from central_api.accounts import add_user
from central_api.embedded import start_embedded
from tests.factories import dispatched, make_ticket

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PASSWORD = "workbench-2026"
DISTRICT, STREET = "新华区", "新华区西高皇街道办事处"


@pytest.fixture
def chinese(qapp):
    translator = install_translator(qapp, "zh_CN")
    yield
    remove_translator(qapp, translator)


@pytest.fixture
def server(tmp_path):
    server = start_embedded(f"sqlite:///{tmp_path / 'central.db'}", seed_demo_users=True)
    with server.server.config.app.state.sessions() as session:
        add_user(session, username="xhq", role=Role.UNIT, display_name="新华区调度中心",
                 unit_code="pds-qu-xhq", password=PASSWORD, actor="test")
    with server.server.config.app.state.sessions() as session:
        add_user(session, username="xghjd", role=Role.UNIT, display_name="西高皇街道",
                 unit_code="pds-jd-xhxghjd", password=PASSWORD, actor="test")
    operator = CentralClient(server.url)
    operator.token = operator.login("op01", "demo").token
    db = open_database(tmp_path / "operator.db")
    for number in range(1, 4):
        ops.register_ticket(db, dispatched(make_ticket(f"WB-{number}"), DISTRICT))
    SyncEngine(db, operator).sync_once()
    db.close()
    yield server
    server.stop()


def unit_window(qtbot, tasks, url: str, username: str) -> MainWindow:
    client = CentralClient(url, timeout=(2, 5))
    login = client.login(username, PASSWORD)
    client.token = login.token
    window = MainWindow(tasks, SignedIn(url, login.user, login.token), client,
                        health_check_ms=60_000, sync_ms=60_000)
    qtbot.addWidget(window)
    window.show()
    return window


def choose(combo, kind) -> None:
    index = combo.findData(kind.value)
    assert index >= 0, [combo.itemData(i) for i in range(combo.count())]
    combo.setCurrentIndex(index)


def test_a_district_and_its_street_work_the_chain_from_the_workbench(
        qtbot, tasks, server, chinese):
    window = unit_window(qtbot, tasks, server.url, "xhq")
    bench = window.workbench
    assert window.screens[0].key == "workbench" and window.stack.currentWidget() is bench
    assert [s.key for s in window.screens] == ["workbench", "kb"]  # no intake for units
    assert "新华区" in bench.heading.text() and "调度中心" in bench.heading.text()
    qtbot.waitUntil(lambda: bench.table.rowCount() == 3, timeout=10_000)
    assert "签收" in bench.table.item(0, 5).text()  # the acceptance countdown
    assert bench.current_kind() is Action.ACCEPT

    for size in ((1366, 768), (1920, 1080)):
        window.resize(*size)
        qtbot.wait(50)
        ARTIFACTS.mkdir(exist_ok=True)
        window.grab().save(str(ARTIFACTS / f"unit_workbench_{size[0]}x{size[1]}.png"))

    bench.table.selectRow(0)
    qtbot.mouseClick(bench.submit, Qt.MouseButton.LeftButton)  # 签收
    qtbot.waitUntil(lambda: bench.selected_ticket() is not None
                    and bench.selected_ticket().status.value == "accepted", timeout=10_000)
    choose(bench.action, NetworkStep.PASS_DOWN)
    assert bench.target.findData(STREET) >= 0
    assert bench.target.findData("卫东区东环路街道办事处") < 0  # only its own streets offered
    bench.target.setCurrentIndex(bench.target.findData(STREET))
    qtbot.mouseClick(bench.submit, Qt.MouseButton.LeftButton)
    # Passed on: the district no longer holds it, the queue shows two.
    qtbot.waitUntil(lambda: bench.table.rowCount() == 2, timeout=10_000)
    window.close()

    street_window = unit_window(qtbot, tasks, server.url, "xghjd")
    street = street_window.workbench
    qtbot.waitUntil(lambda: street.table.rowCount() == 1, timeout=10_000)
    qtbot.mouseClick(street.submit, Qt.MouseButton.LeftButton)  # 签收
    qtbot.waitUntil(lambda: street.selected_ticket() is not None
                    and street.selected_ticket().status.value == "accepted", timeout=10_000)
    # The street got it from above: a reply to the centre is not offered, reply up is.
    offered = [street.action.itemData(i) for i in range(street.action.count())]  # names
    assert Action.REPLY not in offered and NetworkStep.REPLY_UP in offered
    choose(street.action, NetworkStep.REPLY_UP)
    street.text.setPlainText("短")
    qtbot.mouseClick(street.submit, Qt.MouseButton.LeftButton)
    assert street.error.text() == "请至少填写5个字。"  # said at once, nothing sent
    street.text.setPlainText("街道已组织修复路灯，今晚恢复照明。")
    qtbot.mouseClick(street.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: street.table.rowCount() == 0, timeout=10_000)  # back with 新华区
    street_window.close()


def test_a_refusal_from_the_server_is_shown_in_chinese(qtbot, tasks, server, chinese):
    window = unit_window(qtbot, tasks, server.url, "xhq")
    bench = window.workbench
    qtbot.waitUntil(lambda: bench.table.rowCount() == 3, timeout=10_000)
    # Someone else at the district signs for the first ticket meanwhile: the stale 签收
    # offered here is refused by the server, and the reason shows in Chinese by the form.
    other = CentralClient(server.url)
    other.token = other.login("xhq", PASSWORD).token
    other.post(f"/unit/tickets/{bench.selected_ticket().id}/accept")
    assert bench.current_kind() is Action.ACCEPT
    qtbot.mouseClick(bench.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bench.error.text() != "", timeout=10_000)
    assert bench.error.text() == "工单状态已变化，此操作已不适用。"
    window.close()
