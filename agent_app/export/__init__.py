"""Files made from a monthly report: JSON, CSV, the XLSX workbook laid out like the
centre's published tables and the DOCX bulletin
(通报). Qt-free: the command line and the reports screen share it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agent_app.core.reports import MonthlyReport

if TYPE_CHECKING:
    from agent_app.export.report_docx import BulletinNotes

FORMATS = ("json", "xlsx", "csv", "docx")


def write_report(report: MonthlyReport, fmt: str, target: Path, *,
                 notes: BulletinNotes | None = None) -> Path:
    """Write `report` to `target` in `fmt` (one of FORMATS); returns `target`. `notes` are
    the lead's 案例摘登 and 工作动态 for the DOCX bulletin."""
    if fmt == "docx":
        from agent_app.export.report_docx import BulletinNotes, write_report_docx

        write_report_docx(report, target, notes=notes or BulletinNotes())
        return target
    if fmt == "xlsx":
        from agent_app.export.report_xlsx import write_report_xlsx  # openpyxl only when asked

        write_report_xlsx(report, target)
        return target
    from agent_app.export.report_text import report_csv, report_json

    if fmt == "json":
        target.write_text(report_json(report), encoding="utf-8")
    elif fmt == "csv":
        # With a byte-order mark Excel opens the Chinese names as UTF-8.
        target.write_text(report_csv(report), encoding="utf-8-sig", newline="")
    else:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return target
