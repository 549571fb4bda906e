"""Monthly reports for team leads: the unit tables of each ranking group (sortable by any
column) with the assessment — score, rank by score, call-in flags, and the ranking rule and
threshold written under each table —, the tickets behind any cell (Enter or double-click), the
month's appeal types, categories, hot topics and channels, charts, and export to the XLSX the
centre publishes (or CSV, JSON) and to the DOCX bulletin with the lead's own paragraphs. It
opens on the last complete month.

The report is computed on the DB worker (a month of 60,000 tickets takes a second or two) with
a busy bar meanwhile; results for a month no longer asked for are dropped. The figures follow
agent_app.core.reports, the same as `agent-app report`. The report modules are imported when
first used: they are not needed for the window to open (cold start: 1 s)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_app.core.calendar import CHINA_TZ
from agent_app.tasks import Changes, TaskRunner, Topic
from agent_app.ui.failures import failure_text
from agent_app.ui.reports.charts import ReportCharts
from agent_app.ui.reports.dialogs import AdjustmentDialog, BulletinDialog, TicketListDialog
from agent_app.ui.reports.model import (
    DRILL_MEASURE,
    ChannelTableModel,
    ShareTableModel,
    UnitColumn,
    UnitTableModel,
    appeal_type_label,
    category_label,
    format_rate,
    group_proxy,
)
from agent_app.ui.widgets import plain_label

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from agent_app.core.reports import Month, MonthlyReport, ReportTicket

EXPORT_FILTERS = {"xlsx": "Excel (*.xlsx)", "csv": "CSV (*.csv)", "json": "JSON (*.json)",
                  "docx": "Word (*.docx)"}
MIN_TICKETS = 6  # the policy's; the rule text under each table says it


def _now() -> datetime:
    return datetime.now(CHINA_TZ)


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.setWordWrap(False)
    return table


class ReportsScreen(QWidget):
    def __init__(self, tasks: TaskRunner, *, now: Callable[[], datetime] = _now,
                 role: str | None = None, actor: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._role = role
        self._actor = actor
        self._now = now
        self._request = 0  # the latest computation asked for; older answers are dropped
        self._dirty = True  # compute when the screen is first shown, not at start-up
        self.report: MonthlyReport | None = None
        self.chart_group: str | None = None  # the group tab last shown: the summary keeps it

        today = now().astimezone(CHINA_TZ)
        # The last complete month: the one the centre assesses and publishes.
        last_complete = QDate(today.year, today.month, 1).addMonths(-1)
        self.month_edit = QDateEdit(last_complete)
        self.month_edit.setObjectName("report_month")
        self.month_edit.setDisplayFormat("yyyy-MM")
        self.month_edit.setMinimumDate(QDate(2000, 1, 1))
        self.month_edit.setMaximumDate(QDate(today.year, today.month, 1))
        self.month_edit.setToolTip(self.tr("The month to report (Beijing time)"))
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.busy = QProgressBar()
        self.busy.setObjectName("report_busy")
        self.busy.setRange(0, 0)  # no steps to count: a busy bar
        self.busy.setMaximumWidth(140)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status_label = plain_label()
        self.status_label.setObjectName("report_status")
        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, text in (("xlsx", self.tr("Export &XLSX…")), ("csv", self.tr("Export &CSV…")),
                          ("json", self.tr("Export &JSON…"))):
            button = QPushButton(text)
            button.setObjectName(f"export_{fmt}")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, f=fmt: self.choose_export_file(f))
            self.export_buttons[fmt] = button
        self.bulletin_button = QPushButton(self.tr("&Bulletin…"))
        self.bulletin_button.setObjectName("export_docx")
        self.bulletin_button.setToolTip(self.tr("Write the month's cases and work news, then "
                                                "export the bulletin as DOCX"))
        self.bulletin_button.setEnabled(False)
        self.bulletin_button.clicked.connect(self.open_bulletin)
        self.adjust_button = QPushButton(self.tr("&Adjust score…"))
        self.adjust_button.setObjectName("adjust_score")
        self.adjust_button.setToolTip(self.tr("加分/扣分 for the selected unit, with the reason "
                                              "(leads and admins)"))
        self.adjust_button.setVisible(role in ("lead", "admin"))
        self.adjust_button.setEnabled(False)
        self.adjust_button.clicked.connect(self.open_adjustment)
        self.bulletin_texts = ("", "")  # the lead's 案例摘登 and 工作动态, kept between exports
        self.drill_down: TicketListDialog | None = None
        self.empty_label = plain_label()
        self.empty_label.setObjectName("report_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()
        self.totals_label = plain_label()
        self.totals_label.setObjectName("report_totals")
        self.totals_label.setWordWrap(True)

        self.units = UnitTableModel(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report_groups")
        self.group_tables: dict[str, QTableView] = {}
        self.group_pages: dict[str, QWidget] = {}
        self.rule_labels: dict[str, QLabel] = {}
        self.appeal_types = ShareTableModel(self.tr("Appeal type"), appeal_type_label, self)
        self.categories = ShareTableModel(self.tr("Category"), category_label, self)
        self.hot_topics = ShareTableModel(self.tr("Hot topic"), category_label, self)
        self.channels = ChannelTableModel(self)
        self.summary = self._summary_page()
        self.charts = ReportCharts()
        self.charts.setObjectName("report_charts")

        top = QHBoxLayout()
        top.addWidget(plain_label(self.tr("Month:")))
        top.addWidget(self.month_edit)
        top.addWidget(self.refresh_button)
        top.addWidget(self.busy)
        top.addWidget(self.status_label, 1)
        for button in self.export_buttons.values():
            top.addWidget(button)
        top.addWidget(self.adjust_button)
        top.addWidget(self.bulletin_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.charts)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 320])
        self.charts.setMinimumHeight(260)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.totals_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)

        self.month_edit.dateChanged.connect(lambda _date: self.compute())
        self.refresh_button.clicked.connect(self.compute)
        self.tabs.currentChanged.connect(lambda _index: self._update_charts())
        tasks.changes.connect(self._on_changes)

    # Layout ---------------------------------------------------------------------------------

    def _summary_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        for position, (name, model) in enumerate((
                ("appeal_types_table", self.appeal_types),
                ("categories_table", self.categories),
                ("hot_topics_table", self.hot_topics),
                ("channels_table", self.channels))):
            table = _table(name)
            table.setModel(model)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            grid.addWidget(table, position // 2, position % 2)
        return page

    def _group_table(self, group: str) -> QTableView:
        table = _table(f"units_{group or 'other'}")
        table.setModel(group_proxy(self.units, group, table))
        table.setSortingEnabled(True)
        table.sortByColumn(UnitColumn.RANK, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(UnitColumn.UNIT, QHeaderView.ResizeMode.Stretch)
        # Enter or a double-click on any cell: the tickets behind it.
        table.activated.connect(lambda index, t=table: self._drill_down_from(t, index))
        return table

    def _group_page(self, code: str, table: QTableView, rule: QLabel) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(table, 1)
        layout.addWidget(rule)
        return page

    def rule_text(self, rule: dict | None) -> str:
        """The ranking rule and the call-in threshold under a group's table."""
        text = self.tr("Ranked by assessment score within the group; equal scores share a "
                       "rank (1, 1, 3); units with fewer than %1 tickets are listed but not "
                       "ranked.").replace("%1", str(MIN_TICKETS))
        if rule and rule.get("threshold") is not None:
            share = f"{rule['share'] * 100:.0f}%"
            text += " " + (self.tr("Call-in: the last %1 ranked unit(s) below %2 of the "
                                   "group's top score (%3 × %2 = %4).")
                           .replace("%1", str(rule["last"])).replace("%2", share)
                           .replace("%3", f"{rule['top_score']:.2f}")
                           .replace("%4", f"{rule['threshold']:.2f}"))
        else:
            text += " " + self.tr("No call-in rule for this group.")
        return text

    def _rebuild_tabs(self, report: MonthlyReport) -> None:
        current = self.current_group()
        self.tabs.blockSignals(True)
        self.tabs.clear()
        for old in self.group_pages.values():
            old.deleteLater()
        self.group_tables, self.group_pages, self.rule_labels = {}, {}, {}
        rules = {rule["group"]: rule for rule in report.thresholds}
        for code, name in report.groups:
            table = self._group_table(code)
            rule = plain_label(self.rule_text(rules.get(code)))
            rule.setObjectName(f"rule_{code or 'other'}")
            rule.setWordWrap(True)
            self.group_tables[code] = table
            self.rule_labels[code] = rule
            self.group_pages[code] = self._group_page(code, table, rule)
            self.tabs.addTab(self.group_pages[code], name or self.tr("Other units"))
        self.tabs.addTab(self.summary, self.tr("Summary"))
        codes = [code for code, _ in report.groups]
        self.tabs.setCurrentIndex(codes.index(current) if current in codes else 0)
        self.tabs.blockSignals(False)

    # Computing ------------------------------------------------------------------------------

    def selected_month(self) -> Month:
        from agent_app.core.reports import Month

        date = self.month_edit.date()
        return Month(date.year(), date.month())

    def current_group(self) -> str | None:
        widget = self.tabs.currentWidget()
        return next((code for code, page in self.group_pages.items() if page is widget),
                    None)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._dirty:
            self.compute()

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(Topic.TICKETS, Topic.REFERENCE, Topic.SYNC):
            # Recomputing a month on every sync would keep the DB worker busy; the figures
            # are refreshed when the screen is next shown, or by Refresh.
            self._dirty = True

    def compute(self) -> None:
        from agent_app.storage.reports import build_assessed_month_report

        self._dirty = False
        self._request += 1
        request, month, now = self._request, self.selected_month(), self._now()
        self.busy.show()
        self.refresh_button.setEnabled(False)
        self.status_label.setText(self.tr("Computing the report for %1…").replace(
            "%1", str(month)))
        self._tasks.run_db(lambda db: build_assessed_month_report(
            db, month, now=now, reference=self._tasks.reference(db)),
                           on_done=lambda report: self._computed(request, report),
                           on_error=lambda exc: self._failed(request, exc))

    def _finished(self, request: int) -> bool:
        """Whether this answer is the one still wanted."""
        if request != self._request:
            return False
        self.busy.hide()
        self.refresh_button.setEnabled(True)
        return True

    def _failed(self, request: int, exc: BaseException) -> None:
        if self._finished(request):
            self.status_label.setText(self.tr("The report could not be computed: %1")
                                      .replace("%1", failure_text(exc)))

    def _computed(self, request: int, report: MonthlyReport) -> None:
        if not self._finished(request):
            return
        self.show_report(report)

    def show_report(self, report: MonthlyReport) -> None:
        self.report = report
        self.units.set_rows(report.units)
        self.appeal_types.set_rows(report.appeal_types)
        self.categories.set_rows(report.categories)
        self.hot_topics.set_rows(report.hot_topics)
        self.channels.set_rows(report.channels)
        self._rebuild_tabs(report)
        for button in self.export_buttons.values():
            button.setEnabled(True)
        self.bulletin_button.setEnabled(True)
        self.adjust_button.setEnabled(bool(report.units))
        self.empty_label.setText(
            self.tr("No tickets in %1: there is nothing to assess or rank this month.")
            .replace("%1", str(report.month)))
        self.empty_label.setVisible(report.is_empty)
        self.status_label.setText(
            self.tr("No tickets in %1.").replace("%1", str(report.month)) if report.is_empty
            else self.tr("%1: %2 units").replace("%1", str(report.month))
            .replace("%2", str(len(report.units))))
        totals = report.totals
        self.totals_label.setText(
            self.tr("Contacts %1 · answered directly %2 · dispatched %3 · received by units %4 "
                    "· overdue %5 · redo %6 · result satisfaction %7 · process satisfaction %8")
            .replace("%1", str(totals.contacts)).replace("%2", str(totals.answered_directly))
            .replace("%3", str(totals.dispatched)).replace("%4", str(totals.received))
            .replace("%5", str(totals.overdue)).replace("%6", str(totals.redo))
            .replace("%7", format_rate(totals.result_satisfaction, self.tr("Not surveyed")))
            .replace("%8", format_rate(totals.process_satisfaction, self.tr("Not surveyed"))))
        self._update_charts()

    def _update_charts(self) -> None:
        groups = [code for code, _ in self.report.groups] if self.report is not None else []
        current = self.current_group()
        if current is not None:
            self.chart_group = current
        elif self.chart_group not in groups:
            self.chart_group = groups[0] if groups else None
        self.charts.show_report(self.report, self.chart_group)

    # Export ---------------------------------------------------------------------------------

    def choose_export_file(self, fmt: str) -> None:
        if self.report is None:
            return
        suggested = Path.home() / f"12345-report-{self.report.month}.{fmt}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the report"), str(suggested), EXPORT_FILTERS[fmt])
        if chosen:
            self.export(fmt, Path(chosen))

    def open_bulletin(self) -> None:
        if self.report is None:
            return
        dialog = BulletinDialog(*self.bulletin_texts, parent=self)
        accepted = dialog.exec() == BulletinDialog.DialogCode.Accepted
        self.bulletin_texts = dialog.texts()
        if accepted:
            self.choose_export_file("docx")

    def export(self, fmt: str, target: Path) -> None:
        """Write the report on show to `target`, off the GUI thread."""
        from agent_app.export import write_report
        from agent_app.export.report_docx import BulletinNotes

        report = self.report
        if report is None:
            return
        notes = BulletinNotes(*self.bulletin_texts)
        self.status_label.setText(self.tr("Saving %1…").replace("%1", str(target)))
        self._tasks.run_db(
            lambda _db: write_report(report, fmt, target, notes=notes),
            on_done=lambda written: self.status_label.setText(
                self.tr("Saved to %1").replace("%1", str(written))),
            on_error=lambda exc: self.status_label.setText(
                self.tr("Cannot write %1: %2").replace("%1", str(target))
                .replace("%2", failure_text(exc))))

    # Drill-down -----------------------------------------------------------------------------

    def _drill_down_from(self, table: QTableView, index: QModelIndex) -> None:
        source = table.model().mapToSource(index)  # type: ignore[attr-defined]
        self.show_tickets_behind(self.units.row(source.row()).unit, UnitColumn(index.column()))

    def show_tickets_behind(self, unit: str, column: UnitColumn) -> None:
        """Find, on the DB worker, the tickets one cell counts, and list them."""
        from agent_app.storage.reports import month_tickets_behind

        if self.report is None:
            return
        month, now, measure = self.report.month, self._now(), DRILL_MEASURE[column]
        title = self.tr("%1 · %2 · %3").replace("%1", unit).replace("%2", str(month)).replace(
            "%3", str(self.units.headerData(column, Qt.Orientation.Horizontal)))
        self.status_label.setText(self.tr("Finding the tickets behind %1…").replace("%1", title))
        self._tasks.run_db(
            lambda db: month_tickets_behind(db, month, unit, measure, now=now,
                                            reference=self._tasks.reference(db)),
            on_done=lambda tickets: self._show_drill_down(title, tickets),
            on_error=lambda exc: self.status_label.setText(
                self.tr("The tickets could not be found: %1").replace("%1", failure_text(exc))))

    def _show_drill_down(self, title: str, tickets: list[ReportTicket]) -> None:
        self.status_label.setText(title)
        if self.drill_down is not None:
            self.drill_down.close()
        self.drill_down = TicketListDialog(title, tickets, self)
        self.drill_down.show()

    # Manual adjustments ---------------------------------------------------------------------

    def selected_unit(self) -> str | None:
        table = self.group_tables.get(self.current_group() or "\0")
        if table is None or not table.currentIndex().isValid():
            return None
        source = table.model().mapToSource(table.currentIndex())  # type: ignore[attr-defined]
        return self.units.row(source.row()).unit

    def open_adjustment(self) -> None:
        unit = self.selected_unit()
        if self.report is None:
            return
        if unit is None:
            self.status_label.setText(self.tr("Choose a unit in a group's table first."))
            return
        dialog = AdjustmentDialog(unit, str(self.report.month), self)
        if dialog.exec() == AdjustmentDialog.DialogCode.Accepted:
            self.adjust(unit, dialog.points(), dialog.reason())

    def adjust(self, unit: str, points: Decimal, reason: str) -> None:
        """Keep the adjustment on the DB worker, then compute the month again."""
        from agent_app.storage.reports import record_adjustment

        if self.report is None:
            return
        month, now, role, actor = self.report.month, self._now(), self._role or "", self._actor
        self._tasks.run_db(
            lambda db: record_adjustment(db, month, unit, points, reason, actor=actor,
                                         role=role, now=now),
            on_done=lambda _id: self.compute(),
            on_error=lambda exc: self.status_label.setText(
                self.tr("The adjustment was not kept: %1").replace("%1", failure_text(exc))))
