"""The monthly report as an XLSX workbook laid out like the 附件 tables of the centre's
published reports: a summary sheet, then one sheet per ranking group.

The column titles are the published tables' own (承办单位, 承办件数, …) rather than interface
strings: the workbook is a document in the centre's format, the same in every UI language.
Names of appeal types and channels come from the shipped catalogues.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from agent_app.core.reports import (
    RANKING_MIN_TICKETS,
    MonthlyReport,
    ShareRow,
    UnitRow,
)
from agent_app.paths import resources_dir

NOT_SURVEYED = "未抽访"
NO_VALUE = "—"
OTHER_GROUP_NAME = "其他单位"
PERCENT = "0.00%"
UNIT_COLUMNS = ("承办单位", "承办件数", "超期件数", "重办量", "办理结果满意率", "服务过程满意率",
                "办结率", "按时签收率", "回复率", "排名", "考核总分", "约谈")
UNIT_WIDTHS = (34, 10, 10, 8, 15, 15, 10, 11, 10, 8, 10, 16)
LEVEL_NAMES = {"deputy": "约谈分管领导", "principal": "约谈主要领导",
               "public_statement": "公开表态发言"}
RANKING_NOTE = f"注：承办件数小于{RANKING_MIN_TICKETS}件的单位列出但不计入排名"

_TITLE = Font(bold=True, size=14)
_HEADING = Font(bold=True, size=12)
_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")  # and controls, which break the XML


def _catalogue_names(file: str) -> dict[str, str]:
    entries = json.loads((resources_dir() / "catalogues" / file).read_text(encoding="utf-8"))
    return {entry["code"]: entry["name"] for entry in entries}


def _percent(value: float | None, empty: str = NO_VALUE) -> tuple[Any, str | None]:
    """A rate as the fraction Excel formats as a percentage, or the word for no value."""
    return (empty, None) if value is None else (value / 100, PERCENT)


def _month_title(report: MonthlyReport) -> str:
    return f"{report.month.year}年{report.month.month}月份"


def _group_title(name: str) -> str:
    return name or OTHER_GROUP_NAME


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_NAME_BAD.sub("_", name)[:28] or "Sheet"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:26]}({n})", n + 1
    taken.add(candidate)
    return candidate


class _Writer:
    """Appends titled tables down a sheet."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.row = 1

    def cell(self, column: int, value: Any) -> Cell:
        if isinstance(value, str):
            # A control character from the data would make openpyxl refuse the whole workbook.
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell = self.sheet.cell(self.row, column, value)
        if cell.data_type == "f":
            cell.data_type = "s"  # names come from data: "=..." is text here, never a formula
        return cell

    def title(self, text: str, width: int, font: Font = _TITLE) -> None:
        cell = self.cell(1, text)
        cell.font = font
        if width > 1:
            self.sheet.merge_cells(start_row=self.row, start_column=1, end_row=self.row,
                                   end_column=width)
        self.row += 1

    def header(self, titles: Sequence[str]) -> None:
        for column, text in enumerate(titles, start=1):
            cell = self.cell(column, text)
            cell.font, cell.fill, cell.border, cell.alignment = (_HEADER, _HEADER_FILL, _BOX,
                                                                 _CENTRE)
        self.row += 1

    def line(self, values: Sequence[Any], formats: Sequence[str | None] = ()) -> None:
        for column, value in enumerate(values, start=1):
            cell = self.cell(column, value)
            cell.border = _BOX
            number_format = formats[column - 1] if column - 1 < len(formats) else None
            if number_format:
                cell.number_format = number_format
            if column > 1:
                cell.alignment = _CENTRE
        self.row += 1

    def gap(self, rows: int = 1) -> None:
        self.row += rows


def _unit_line(writer: _Writer, unit: UnitRow) -> None:
    rates = [_percent(unit.result_satisfaction, NOT_SURVEYED),
             _percent(unit.process_satisfaction, NOT_SURVEYED),
             _percent(unit.closed_rate), _percent(unit.on_time_accept_rate),
             _percent(unit.reply_rate)]
    writer.line([unit.unit, unit.received, unit.overdue, unit.redo,
                 *(value for value, _ in rates), unit.rank if unit.rank is not None else "",
                 unit.score if unit.score is not None else "",
                 LEVEL_NAMES.get(unit.interview_level or "", "") if unit.interview else ""],
                [None, None, None, None, *(fmt for _, fmt in rates), None, "0.00", None])


def _share_table(writer: _Writer, heading: str, first_column: str, rows: Sequence[ShareRow],
                 name: Any, *, total: tuple[int, float | None] | None = None) -> None:
    writer.title(heading, 3, _HEADING)
    writer.header((first_column, "数量（件）", "占比"))
    for row in rows:
        share, fmt = _percent(row.share)
        writer.line([name(row), row.count, share], [None, None, fmt])
    if total is not None:
        share, fmt = _percent(total[1])
        writer.line(["合计", total[0], share], [None, None, fmt])
    writer.gap()


def _summary(sheet: Worksheet, report: MonthlyReport) -> None:
    appeal_names = _catalogue_names("appeal_types.json")
    channel_names = _catalogue_names("channels.json")
    totals = report.totals
    writer = _Writer(sheet)
    writer.title(f"{_month_title(report)}12345热线办理情况汇总", 8)
    writer.gap()
    writer.title("总体情况", 2, _HEADING)
    writer.header(("项目", "数值"))
    for label, value in (("受理登记（件）", totals.contacts),
                         ("直接答复（件）", totals.answered_directly),
                         ("登记交办（件）", totals.dispatched), ("并单（件）", totals.merged),
                         ("承办件数合计", totals.received), ("超期件数", totals.overdue),
                         ("重办量", totals.redo)):
        writer.line([label, value])
    for label, rate in (("办理结果满意率", totals.result_satisfaction),
                        ("服务过程满意率", totals.process_satisfaction),
                        ("办结率", totals.closed_rate), ("按时签收率", totals.on_time_accept_rate),
                        ("回复率", totals.reply_rate)):
        value, fmt = _percent(rate, NOT_SURVEYED if "满意率" in label else NO_VALUE)
        writer.line([label, value], [None, fmt])
    writer.gap()
    _share_table(writer, "诉求类型统计表", "类型", report.appeal_types,
                 lambda r: appeal_names.get(r.key[0], r.key[0]),
                 total=(totals.contacts, 100.0 if totals.contacts else None))
    _share_table(writer, "诉求分类统计表", "一级分类", report.categories, lambda r: r.key[0])
    _share_table(writer, "热点问题统计表", "类型", report.hot_topics,
                 lambda r: "—".join(r.key),
                 total=(totals.hot_topics_count, totals.hot_topics_share))
    writer.title("各渠道受理办理情况", 8, _HEADING)
    writer.header(("渠道", "受理（件）", "直接答复", "登记交办", "已办结", "办结率", "已回复",
                   "回复率"))
    for channel in report.channels:
        closed, closed_fmt = _percent(channel.closed_rate)
        replied, replied_fmt = _percent(channel.reply_rate)
        writer.line([channel_names.get(channel.channel, channel.channel), channel.contacts,
                     channel.answered_directly, channel.dispatched, channel.closed, closed,
                     channel.replied, replied],
                    [None, None, None, None, None, closed_fmt, None, replied_fmt])
    writer.gap()
    writer.title("群众诉求较多的单位", 3, _HEADING)
    writer.header(("承办单位", "考核分组", "承办件数"))
    for unit in report.top_units:
        writer.line([unit.unit, _group_title(unit.group_name), unit.received])
    for column, width in enumerate((30, 14, 12, 12, 10, 10, 10, 10), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _group_sheet(sheet: Worksheet, report: MonthlyReport, number: int, code: str,
                 name: str) -> None:
    writer = _Writer(sheet)
    writer.title(f"附件{number}：{_month_title(report)}{_group_title(name)}热线办理情况",
                 len(UNIT_COLUMNS))
    writer.gap()
    writer.header(UNIT_COLUMNS)
    sheet.freeze_panes = sheet.cell(writer.row, 2)
    for unit in report.units_in(code):
        _unit_line(writer, unit)
    writer.gap()
    writer.title(RANKING_NOTE, len(UNIT_COLUMNS), Font(italic=True))
    for column, width in enumerate(UNIT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def write_report_xlsx(report: MonthlyReport, target: Path) -> None:
    book = Workbook()
    summary = book.active
    assert summary is not None  # a new workbook has one sheet
    taken: set[str] = set()
    summary.title = _sheet_name("汇总", taken)
    _summary(summary, report)
    for number, (code, name) in enumerate(report.groups, start=1):
        sheet = book.create_sheet(_sheet_name(_group_title(name), taken))
        _group_sheet(sheet, report, number, code, name)
    book.save(target)
