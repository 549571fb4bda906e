"""Report files: the XLSX laid out like the published 附件 tables, CSV and JSON."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from agent_app.core.catalogue import Catalogue
from agent_app.core.reports import Month, UnitDirectory, compute_report, report_to_dict
from agent_app.export import write_report
from agent_app.export.report_xlsx import NOT_SURVEYED, RANKING_NOTE, UNIT_COLUMNS
from agent_app.paths import resources_dir
from tests.report_history import TicketHistory, cst

FEB = Month(2024, 2)


@pytest.fixture(scope="module")
def report():
    histories = []
    for n in range(15):  # 医保局: 15 tickets, 14 of 15 satisfied
        history = TicketHistory(f"Y{n}", cst(2024, 2, 1 + n), unit_group="县直单位",
                                appeal_type="consultation" if n % 3 else "complaint",
                                category=("社会保险", "医疗保险"))
        history.dispatch("医保局", cst(2024, 2, 1 + n, 1)).reply(cst(2024, 2, 2 + n))
        history.callback(cst(2024, 2, 2 + n, 3), "satisfied" if n else "dissatisfied",
                         "satisfied")
        histories.append(history)
    histories.append(TicketHistory("C", cst(2024, 2, 5), unit_group="县直单位")
                     .dispatch("残联", cst(2024, 2, 5, 1)))
    histories.append(TicketHistory("Z", cst(2024, 2, 6), unit_group="乡镇街道")
                     .dispatch("阳城镇", cst(2024, 2, 6, 1)).redo(cst(2024, 2, 6, 5)))
    histories.append(TicketHistory("N", cst(2024, 2, 7), channel="web_message")
                     .dispatch("某公司", cst(2024, 2, 7) + timedelta(minutes=5)))
    directory = UnitDirectory.from_catalogue(Catalogue.load(resources_dir() / "catalogues"))
    return compute_report([h.report_ticket() for h in histories], FEB, directory=directory)


def test_xlsx_has_a_summary_then_one_sheet_per_group_like_the_annex_tables(report, tmp_path):
    path = write_report(report, "xlsx", tmp_path / "report.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "县直单位", "乡镇街道", "其他单位"]

    sheet = book["县直单位"]
    assert sheet["A1"].value == "附件1：2024年2月份县直单位热线办理情况"
    assert [c.value for c in sheet[3]] == list(UNIT_COLUMNS)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4) if row[0].value}
    medical = rows["医保局"]
    assert [c.value for c in medical[1:4]] == [15, 0, 0]
    assert medical[4].value == pytest.approx(0.9333) and medical[4].number_format == "0.00%"
    assert medical[5].value == 1 and medical[9].value == 1  # 100%, rank 1
    disabled = rows["残联"]
    assert disabled[4].value == NOT_SURVEYED and disabled[5].value == NOT_SURVEYED
    assert disabled[9].value in (None, "")  # one ticket: listed, not ranked
    assert RANKING_NOTE in rows
    assert book["乡镇街道"]["A1"].value.startswith("附件2：")
    # Never replied, deadline passed in February: overdue, and redone once.
    assert [c.value for c in book["乡镇街道"][4][:4]] == ["阳城镇", 1, 1, 1]


def test_xlsx_summary_has_the_appeal_type_and_hot_topic_tables_with_totals(report, tmp_path):
    book = load_workbook(write_report(report, "xlsx", tmp_path / "report.xlsx"))
    cells = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    titles = [row[0] for row in cells]
    for heading in ("总体情况", "诉求类型统计表", "诉求分类统计表", "热点问题统计表",
                    "各渠道受理办理情况", "群众诉求较多的单位"):
        assert heading in titles
    types = titles.index("诉求类型统计表")
    assert cells[types + 1][:3] == ["类型", "数量（件）", "占比"]
    table = {row[0]: row[1:3] for row in cells[types + 2:types + 6] if row[0]}
    assert table["咨询"] == [10, 0.5556]  # 55.56%
    assert table["合计"] == [18, 1]
    hot = titles.index("热点问题统计表")
    assert cells[hot + 2][:2] == ["社会保险—医疗保险", 15]


def test_an_empty_month_still_makes_a_workbook_and_files(tmp_path):
    empty = compute_report([], FEB)
    book = load_workbook(write_report(empty, "xlsx", tmp_path / "empty.xlsx"))
    assert book.sheetnames == ["汇总"]
    assert json.loads(write_report(empty, "json", tmp_path / "e.json").read_text())["units"] == []
    rows = list(csv.reader(write_report(empty, "csv", tmp_path / "e.csv").open(
        encoding="utf-8-sig")))
    assert len(rows) == 1


def test_csv_is_the_unit_table_with_empty_cells_for_no_value(report, tmp_path):
    path = write_report(report, "csv", tmp_path / "report.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    by_unit = {row["unit"]: row for row in rows}
    assert by_unit["医保局"]["result_satisfaction"] == "93.33"
    assert by_unit["医保局"]["group"] == "pingyu_departments"
    assert by_unit["残联"]["result_satisfaction"] == "" and by_unit["残联"]["rank"] == ""
    assert {row["month"] for row in rows} == {"2024-02"}


def test_json_file_is_the_report_dict(report, tmp_path):
    path = write_report(report, "json", tmp_path / "report.json")
    assert json.loads(path.read_text(encoding="utf-8")) == report_to_dict(report)
    assert "医保局" in path.read_text(encoding="utf-8")  # not \\u-escaped


def test_an_unknown_format_is_refused(report, tmp_path):
    with pytest.raises(ValueError, match="unknown report format"):
        write_report(report, "pdf", tmp_path / "report.pdf")


def test_report_files_and_command_import_without_qt():
    script = ("import sys\nsys.modules['PySide6'] = None\n"
              "import agent_app.export.report_xlsx, agent_app.export.report_text\n"
              "import agent_app.commands.report, agent_app.storage.reports\nprint('ok')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert result.stdout.strip() == "ok", result.stderr
