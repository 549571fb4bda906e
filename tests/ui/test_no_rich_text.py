"""No rich text from data (DESIGN.md §9): markup and very long strings in every text field a
ticket, a KB article, KB feedback, a sync problem, the reference data and the reports can
carry, shown on every screen of the main window, offscreen.

The walk is generic, so a new screen is covered without touching this file: every tab of
every tab widget, every row of every item view selected and opened, every action form of a
ticket opened; after each step every widget of every window is read the way Qt renders it
(labels by their text format, tooltips and What's This by Qt's rich-text guess, text edits by
their document, item views by their model's tooltips and their delegates). Wherever data went,
its markup must show as the characters it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import Qt as GuiQt  # Qt.mightBeRichText lives in QtGui's namespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QItemDelegate,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStyledItemDelegate,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.core.enums import Role
from agent_app.core.intake import IntakeState
from agent_app.core.interchange import ticket_to_dict
from agent_app.core.reference import shipped_documents
from agent_app.paths import resources_dir
from agent_app.storage import ops
from agent_app.storage.database import Database
from agent_app.storage.reference import store_reference
from agent_app.sync.client import CentralClient, SignedIn, UserProfile
from agent_app.tasks import TaskRunner
from agent_app.ui.intake.screen import DRAFT_KIND
from agent_app.ui.kb.delegate import KbHitDelegate
from agent_app.ui.kb.panel import KbPanel
from agent_app.ui.main_window import MainWindow
from agent_app.ui.sync_problems import SyncProblemsDialog
from agent_app.ui.ticket.detail import TicketDetailView
from tests.factories import make_ticket
from tests.ui.test_kb_panel import seed as seed_articles

pytestmark = pytest.mark.slow

# Tags Qt knows, an entity, a link: rendered as rich text, the image becomes an object, the
# tags vanish and `&lt;` turns into `<`. The «name» after it says which field it came from;
# with it, short enough for a KB unit or category (80 characters).
MARKUP = '&lt;<img src=x><b>粗</b><a href="x">链</a><table><td>表</table>'
FIELD_TAG = re.compile(r"«([a-z0-9_]+)»")
DATA = re.compile(r'src=x|src="x"')  # the markup's image, as given or as a document holds it
LONG = "很长的文字" * 2000  # 10,000 characters
HISTORY_PHONE = "13712340000"  # the caller whose history the intake form shows
KB_QUERY = "停水通知"

# Custom delegates paint text themselves; each was read and draws it plain.
REVIEWED_DELEGATES = {
    KbHitDelegate: "title, facts and snippet drawn with drawText and QTextLayout formats",
}


def hostile(name: str) -> str:
    return f"{MARKUP}«{name}»"


# Seeding ------------------------------------------------------------------------------------

def hostile_reference(db: Database) -> None:
    """The server's reference data with a unit group, a unit and a category of markup."""
    docs = shipped_documents(resources_dir() / "catalogues")
    units = docs["units"]
    units["groups"].append({"code": "hostile", "name": hostile("unit_group"), "centre": "平顶山市"})
    units["units"].append({"code": "hostile-unit", "name": hostile("unit"), "group": "hostile"})
    docs["categories"].append({"code": "99", "name": hostile("catalogue_l1"),
                               "children": [{"code": "9901", "name": hostile("catalogue_l2")}]})
    store_reference(db, {"units": units, "categories": docs["categories"]},
                    datetime.now(CHINA_TZ).isoformat())


@dataclass
class Clock:
    """Times inside the current month (the test shows it on the reports screen), before now."""

    now: datetime = field(default_factory=lambda: datetime.now(CHINA_TZ))

    def __post_init__(self) -> None:
        month_start = self.now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        self.start = max(self.now - timedelta(hours=3), month_start)
        self.step = min(timedelta(minutes=1), (self.now - self.start) / 40)

    def at(self, n: int) -> str:
        return (self.start + self.step * n).isoformat()  # n < 40


def ticket(clock: Clock, ticket_id: str, status: str, events: list[dict[str, Any]], *,
           dispatched: bool = True, **fields: Any) -> dict[str, Any]:
    """A ticket as the server sends it: registered, dispatched unless told not to, then
    `events`; markup in every text field."""
    unit = hostile("unit")
    history: list[dict[str, Any]] = [{"kind": "registered", "actor": "op01"}]
    if dispatched:
        history.append({"kind": "dispatched", "actor": "op01", "unit": unit})
    record: dict[str, Any] = {
        "id": ticket_id, "created_at": clock.at(0), "channel": "phone_12345",
        "appeal_type": "complaint", "urgency": "normal",
        "category": [hostile("category_l1"), hostile("category_l2")],
        "caller": {"name": hostile("caller_name"), "phone": HISTORY_PHONE},
        "confidential": False, "callback_permitted": True,
        "location": [hostile("district"), hostile("street"), hostile("community")],
        "address": hostile("address"), "content": hostile("content"),
        "demand": hostile("demand"), "status": status, "redo_count": 0, "answer": None,
        "unit": unit if dispatched else None,
        "deadline": (clock.now + timedelta(days=3)).isoformat() if dispatched else None,
        "events": [{"id": f"{ticket_id}-{n}", "at": clock.at(n + 1), **event}
                   for n, event in enumerate([*history, *events])],
    }
    record.update(fields)
    return record


def hostile_tickets(clock: Clock) -> list[dict[str, Any]]:
    unit = hostile("unit")
    accepted = {"kind": "accepted", "actor": hostile("actor"), "unit": unit}
    replied = {"kind": "replied", "actor": hostile("actor"), "unit": unit,
               "text": hostile("reply")}
    note = {"kind": "note", "actor": "lead01", "text": hostile("note")}
    redo = {"kind": "redo", "actor": "op01", "unit": unit, "reason": hostile("redo_reason")}
    return [
        ticket(clock, "RT-RETURNED", "returned",
               [{"kind": "returned", "actor": unit, "unit": unit,
                 "reason": hostile("return_reason")}, note]),
        ticket(clock, "RT-EXTENSION", "accepted",
               [accepted, {"kind": "extension", "actor": unit, "decision": "pending",
                           "reason": hostile("extension_reason"),
                           "requested_deadline": (clock.now + timedelta(days=9)).isoformat()}]),
        ticket(clock, "RT-OVERDUE", "accepted",
               [accepted, {"kind": "supervised", "actor": "lead01", "level": "reminder",
                           "notice": hostile("notice")}],
               deadline=(clock.now - timedelta(minutes=5)).isoformat()),
        ticket(clock, "RT-REPLIED", "replied",
               [accepted, replied, {"kind": "callback", "actor": "op01", "reached": False,
                                    "attempt": 1, "remark": hostile("callback_remark")}]),
        ticket(clock, "RT-REDONE", "dispatched",
               [accepted, replied, redo, accepted, replied, redo], redo_count=2),
        ticket(clock, "RT-CLOSED", "closed",
               [accepted, replied, {"kind": "callback", "actor": "op01", "reached": True,
                                    "result": "satisfied", "process": "dissatisfied"},
                {"kind": "closed", "actor": "op01"}]),
        ticket(clock, "RT-ANSWERED", "answered",
               [{"kind": "answered", "actor": "op01", "text": hostile("answer")}],
               dispatched=False, answer=hostile("answer")),
        ticket(clock, "RT-CONFIDENTIAL", "dispatched", [], confidential=True),
        ticket(clock, "RT-PHONE", "registered", [], dispatched=False,
               caller={"name": hostile("caller_name"), "phone": hostile("caller_phone")}),
        ticket(clock, "RT-LONG", "dispatched", [], content=hostile("long_content") + LONG,
               demand=hostile("long_demand") + LONG,
               caller={"name": hostile("long_name") + LONG[:500], "phone": HISTORY_PHONE}),
    ]


def hostile_problems(db: Database) -> None:
    """One conflict whose every compared field differs, and one refused change."""
    local = ticket_to_dict(make_ticket("RT-CONFLICT"))
    server = dict(local)
    for name in ("address", "content", "demand", "answer"):
        local[name], server[name] = hostile(f"conflict_local_{name}"), hostile(
            f"conflict_server_{name}")
    local["unit"], server["unit"] = hostile("conflict_local_unit"), hostile("unit")
    refused = ops.register_ticket(db, make_ticket("RT-REFUSED"))
    with db.unit_of_work() as uow:
        uow.conflicts.add("RT-CONFLICT", local, server)
        uow.outbox.reject(refused, hostile("rejection"))
        uow.commit()


def seed(db: Database) -> None:
    hostile_reference(db)
    ops.import_synced_tickets(db, hostile_tickets(Clock()))
    seed_articles(db, [{"id": "kb-hostile", "title": f"{hostile('kb_title')}{KB_QUERY}",
                        "body": f"{hostile('kb_body')}{KB_QUERY}{LONG}",
                        "category": hostile("kb_cat"), "unit": hostile("kb_unit"),
                        "updated_at": "2019-01-01T00:00:00+08:00"}])
    hostile_problems(db)
    draft = IntakeState(caller_name=hostile("draft_caller"), address=hostile("draft_address"),
                        content=hostile("draft_content"), demand=hostile("draft_demand"),
                        answer=hostile("draft_answer"))
    ops.autosave_draft(db, "draft-hostile", DRAFT_KIND, draft.to_dict())


# Reading what Qt shows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    where: str
    raw: str  # what the widget or model was given
    displayed: str  # what a person sees
    interpreted: bool  # whether Qt may interpret it (labels, tooltips, text documents)


def as_rendered(text: str, text_format: Qt.TextFormat) -> str:
    """The text a person sees: Qt's own rule for AutoText (labels, tooltips, message boxes)."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    if text_format == Qt.TextFormat.MarkdownText:
        document = QTextDocument()
        document.setMarkdown(text)
        return document.toPlainText()
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def name_of(widget: QWidget) -> str:
    parts = []
    current: QWidget | None = widget
    while current is not None and len(parts) < 4:
        parts.append(f"{type(current).__name__}#{current.objectName()}")
        current = current.parentWidget()
    return " < ".join(parts)


def rows(model: QAbstractItemModel) -> int:
    return min(model.rowCount(QModelIndex()), MAX_ROWS)  # some models want the parent named


def columns(model: QAbstractItemModel) -> int:
    try:
        return model.columnCount(QModelIndex())
    except TypeError:  # QListWidget's list model keeps it private: one column
        return 1


ROLES_AS_TOOLTIPS = (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.WhatsThisRole)
MAX_ROWS = 60
MAX_WIDTH = 1280  # a common operator screen


def model_texts(model: QAbstractItemModel, where: str) -> Iterator[Shown]:
    for orientation, count in ((Qt.Orientation.Horizontal, columns(model)),
                               (Qt.Orientation.Vertical, rows(model))):
        for section in range(count):
            shown = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if isinstance(shown, str):
                yield Shown(f"{where} header", shown, shown, False)
            for role in ROLES_AS_TOOLTIPS:
                tip = model.headerData(section, orientation, role)
                if isinstance(tip, str) and tip:
                    yield Shown(f"{where} header tooltip", tip,
                                as_rendered(tip, Qt.TextFormat.AutoText), True)
    for row in range(rows(model)):
        for column in range(columns(model)):
            index = model.index(row, column)
            shown = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(shown, str):
                # Qt's own delegates draw the display text plain (checked: the delegates).
                yield Shown(f"{where} [{row},{column}]", shown, shown, False)
            for role in ROLES_AS_TOOLTIPS:
                tip = index.data(role)
                if isinstance(tip, str) and tip:
                    yield Shown(f"{where} [{row},{column}] tooltip", tip,
                                as_rendered(tip, Qt.TextFormat.AutoText), True)


def unreviewed_delegates(view: QAbstractItemView) -> list[str]:
    model = view.model()
    delegates = {view.itemDelegate()}
    delegates |= {view.itemDelegateForColumn(c) for c in range(columns(model))}
    delegates |= {view.itemDelegateForRow(r) for r in range(rows(model))}
    return [f"{name_of(view)}: {type(d).__module__}.{type(d).__name__}"
            for d in delegates if d is not None
            # Qt's own delegates (and the combo box's private one) draw display text plain.
            and type(d) not in (QStyledItemDelegate, QItemDelegate)
            and not type(d).__module__.startswith("PySide6")
            and type(d) not in REVIEWED_DELEGATES]


def widget_texts(widget: QWidget) -> Iterator[Shown]:
    where = name_of(widget)
    for kind, tip in (("tooltip", widget.toolTip()), ("what's this", widget.whatsThis())):
        if tip:
            yield Shown(f"{where} {kind}", tip, as_rendered(tip, Qt.TextFormat.AutoText), True)
    if widget.isWindow():
        yield Shown(f"{where} title", widget.windowTitle(), widget.windowTitle(), False)
    if isinstance(widget, QLabel):
        yield Shown(where, widget.text(), as_rendered(widget.text(), widget.textFormat()), True)
    elif isinstance(widget, QTextEdit):  # and QTextBrowser
        document, plain = widget.toHtml(), widget.toPlainText()
        # An <img> in the document's own HTML: markup was taken in as formatting.
        yield Shown(where, document if "<img" in document else plain, plain, True)
    elif isinstance(widget, QPlainTextEdit):
        yield Shown(where, widget.toPlainText(), widget.toPlainText(), True)
    elif isinstance(widget, (QLineEdit, QAbstractButton)):  # plain by construction
        yield Shown(where, widget.text(), widget.text(), False)
    elif isinstance(widget, QGroupBox):
        yield Shown(where, widget.title(), widget.title(), False)
    elif isinstance(widget, QTabBar):
        for n in range(widget.count()):
            yield Shown(f"{where} tab {n}", widget.tabText(n), widget.tabText(n), False)
            tip = widget.tabToolTip(n)
            if tip:
                yield Shown(f"{where} tab {n} tooltip", tip,
                            as_rendered(tip, Qt.TextFormat.AutoText), True)
    elif isinstance(widget, QComboBox):
        yield from model_texts(widget.model(), where)
    if (isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView)
            and widget.model() is not None):  # a header shows its table's model
        yield from model_texts(widget.model(), where)


@dataclass
class Walk:
    """Everything seen so far, and what was wrong with it."""

    shown: dict[tuple[str, str], Shown] = field(default_factory=dict)
    widgets: int = 0
    problems: set[str] = field(default_factory=set)
    views: set[int] = field(default_factory=set)
    window: QWidget | None = None  # must keep fitting MAX_WIDTH, however long the data

    def __call__(self, root: QWidget | None = None) -> None:
        roots = [root] if root is not None else [
            w for w in QApplication.topLevelWidgets() if w.isVisible()]
        if self.window is not None and self.window.minimumSizeHint().width() > MAX_WIDTH:
            widest = max((w for w in self.window.findChildren(QWidget) if w.isVisible()),
                         key=lambda w: w.minimumSizeHint().width())
            self.problems.add(f"window wider than {MAX_WIDTH} px because of {name_of(widest)}")
        for top in roots:
            for widget in [top, *top.findChildren(QWidget)]:
                self.widgets += 1
                if isinstance(widget, QAbstractItemView) and widget.model() is not None:
                    self.problems.update(unreviewed_delegates(widget))
                for item in widget_texts(widget):
                    self.shown.setdefault((item.where, item.raw), item)
                    if item.interpreted and DATA.search(item.raw) and MARKUP not in item.displayed:
                        self.problems.add(f"{item.where}: given {item.raw[:160]!r}, "
                                          f"shows {item.displayed[:160]!r}")

    def fields_seen(self) -> set[str]:
        return {name for item in self.shown.values() for name in FIELD_TAG.findall(item.raw)}


# Exploring ----------------------------------------------------------------------------------

def settled(qtbot, tasks: TaskRunner) -> None:
    """Until the DB worker is idle: every load a step started, and the loads those started."""
    for _ in range(4):
        done: list[object] = []
        tasks.run_db(lambda _db: None, on_done=done.append)
        qtbot.waitUntil(lambda done=done: bool(done), timeout=60_000)
    qtbot.wait(10)


def open_ticket_actions(qtbot, tasks: TaskRunner, root: QWidget, walk: Walk) -> None:
    """Every action form of the ticket on show (the extension decision quotes the unit's
    reason, redispatch lists the units, …)."""
    for detail in root.findChildren(TicketDetailView):
        if not detail.isVisible() or detail.detail is None:
            continue
        for kind in sorted(detail.offered()):
            detail.start(kind)
            settled(qtbot, tasks)
            walk(detail.panel)
            detail.panel.close_form()


def explore(qtbot, tasks: TaskRunner, root: QWidget, walk: Walk) -> None:
    """Each page of each tab widget; on it each row of each visible item view selected (the
    details follow the selection) and opened (a double click), then everything walked."""
    pages: list[tuple[QTabWidget | None, int]] = [(None, 0)]
    pages += [(tabs, n) for tabs in root.findChildren(QTabWidget) for n in range(tabs.count())]
    for tabs, page in pages:
        if tabs is not None:
            tabs.setCurrentIndex(page)
            settled(qtbot, tasks)
        walk()
        for view in root.findChildren(QAbstractItemView):
            if not view.isVisible() or view.model() is None:
                continue
            walk.views.add(id(view))
            # Persistent: a model reset (a reload the selection started) leaves a plain index
            # pointing at freed rows.
            started_at = QPersistentModelIndex(view.currentIndex())
            for row in range(rows(view.model())):
                index = view.model().index(row, 0)
                view.setCurrentIndex(index)
                view.doubleClicked.emit(index)
                settled(qtbot, tasks)
                walk()
                open_ticket_actions(qtbot, tasks, root, walk)
            # As found, so the views after it show what they first did (the queue's tickets
            # under "All tickets", not under the last saved view tried).
            if started_at.isValid():
                view.setCurrentIndex(view.model().index(started_at.row(), started_at.column()))
                settled(qtbot, tasks)


def search_every_kb_panel(qtbot, tasks: TaskRunner, root: QWidget, walk: Walk) -> None:
    """Find the article, open it, and type an error report (反馈纠错) about it."""
    for panel in root.findChildren(KbPanel):
        panel.search_box.setText(KB_QUERY)
        panel.search_now()
        settled(qtbot, tasks)
        panel.open_current()
        settled(qtbot, tasks)
        reader = panel.reader
        assert reader.article is not None and reader.article.id == "kb-hostile"
        reader.open_feedback()
        reader.feedback_text.setPlainText(hostile("kb_feedback"))
        walk()
        reader.send_button.click()
        settled(qtbot, tasks)
        assert reader.status.text()  # "Report kept; it is sent to <unit> …"
        walk()


@pytest.fixture
def window(qtbot, tasks: TaskRunner, db: Database, dead_url: str) -> MainWindow:
    seed(db)
    # Offline and never signed in: nothing syncs over the seeded data. The display name comes
    # from the server too.
    lead = UserProfile("lead01", hostile("display_name"), Role.LEAD, None)
    made = MainWindow(tasks, SignedIn(dead_url, lead, None, offline=True),
                      CentralClient(dead_url, timeout=(1, 1)), health_check_ms=600_000)
    qtbot.addWidget(made)
    made.resize(1280, 800)
    made.show()
    settled(qtbot, tasks)
    return made


def test_data_is_never_rendered_as_rich_text(qtbot, tasks: TaskRunner, window: MainWindow):
    walk = Walk(window=window)
    screens = 0
    for screen in window.screens:
        window.show_screen(screen.key)
        settled(qtbot, tasks)
        screens += 1
        if screen.key == "intake":
            walk()  # the offer to restore the draft
            window.start_call(HISTORY_PHONE)  # the caller's history and the repeat offer
            settled(qtbot, tasks)
            walk()
            window.intake.restore_draft()  # the draft's fields in the form
            settled(qtbot, tasks)
        if screen.key == "reports":
            # It opens on the last complete month; the hostile tickets are of this month.
            today = datetime.now(CHINA_TZ)
            screen.widget.month_edit.setDate(QDate(today.year, today.month, 1))
            settled(qtbot, tasks)
        search_every_kb_panel(qtbot, tasks, screen.widget, walk)
        explore(qtbot, tasks, screen.widget, walk)

    # The conflicts and refused changes, opened from the File menu as a user does (modal).
    inspected: list[str] = []

    def inspect_problems() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            settled(qtbot, tasks)
            if isinstance(dialog, SyncProblemsDialog):
                explore(qtbot, tasks, dialog, walk)
                inspected.append(dialog.windowTitle())
        finally:
            if isinstance(dialog, QDialog):
                dialog.reject()

    QTimer.singleShot(0, inspect_problems)
    window.show_sync_problems()
    assert inspected
    screens += 1

    assert walk.problems == set(), "\n".join(sorted(walk.problems))
    # Not vacuous: the data reached the screens. (A confidential caller, a long name and a
    # phone that is not one show nowhere whole: the lists mask or elide them.)
    expected = {
        "caller_name", "address", "content", "demand", "answer", "unit", "unit_group",
        "category_l1", "category_l2", "district", "street", "community", "actor", "note",
        "return_reason", "extension_reason", "reply", "redo_reason", "notice",
        "callback_remark", "kb_title", "kb_body", "kb_unit", "kb_cat",
        "kb_feedback", "conflict_local_content", "conflict_server_content", "rejection",
        "draft_caller", "draft_address", "draft_content", "draft_demand", "display_name",
        "long_content"}
    assert expected - walk.fields_seen() == set()
    assert screens >= 8 and len(walk.views) >= 10 and walk.widgets > 10_000


def test_long_data_does_not_stretch_the_window(qtbot, tasks: TaskRunner, window: MainWindow):
    """A 10,000-character appeal or a 500-character name wraps or elides: on every screen,
    with the long ticket chosen wherever it is listed, the window still fits 1280 pixels."""
    shown_in: list[str] = []
    for screen in window.screens:
        window.show_screen(screen.key)
        settled(qtbot, tasks)
        if screen.key == "intake":
            window.start_call(HISTORY_PHONE)
            settled(qtbot, tasks)
        for view in screen.widget.findChildren(QAbstractItemView):
            if not view.isVisible() or view.model() is None:
                continue
            ids = [view.model().index(r, 0).data() for r in range(rows(view.model()))]
            if "RT-LONG" in ids:
                view.setCurrentIndex(view.model().index(ids.index("RT-LONG"), 0))
                settled(qtbot, tasks)
        shown_in += [screen.key for detail in screen.widget.findChildren(TicketDetailView)
                     if detail.detail is not None and detail.detail.ticket.id == "RT-LONG"]
        assert window.minimumSizeHint().width() <= MAX_WIDTH, screen.key
    assert "queue" in shown_in


def test_the_walk_finds_markup_rendered_from_data(qtbot):
    """The walk itself: a label left in AutoText, a tooltip and a rich text edit holding data
    are reported; plain or escaped, they are not."""
    host = QWidget()
    qtbot.addWidget(host)
    auto_label, plain_label, escaped_label = QLabel(host), QLabel(host), QLabel(host)
    auto_label.setText(hostile("auto"))
    plain_label.setTextFormat(Qt.TextFormat.PlainText)
    plain_label.setText(hostile("plain"))
    escaped_label.setText(f"<p>{html.escape(hostile('escaped'))}</p>")
    tipped = QLineEdit(host)
    tipped.setToolTip(hostile("tooltip"))
    rich_edit, plain_edit = QTextEdit(host), QTextEdit(host)
    rich_edit.setHtml(hostile("rich_edit"))
    plain_edit.setPlainText(hostile("plain_edit"))
    for widget, name in ((auto_label, "auto"), (plain_label, "plain"),
                         (escaped_label, "escaped"), (tipped, "tooltip"),
                         (rich_edit, "rich_edit"), (plain_edit, "plain_edit")):
        widget.setObjectName(name)
    walk = Walk()
    walk(host)
    flagged = {re.search(r"#(\w+)", problem).group(1)  # type: ignore[union-attr]
               for problem in walk.problems}
    assert flagged == {"auto", "tooltip", "rich_edit"}
    assert walk.fields_seen() >= {"auto", "plain", "escaped", "tooltip", "plain_edit"}
