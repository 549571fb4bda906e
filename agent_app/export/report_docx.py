"""The month's bulletin (通报) as a Word document, laid out as the centre publishes it (seed 001):

一、运行情况 — (一) 接听受理情况 by channel, the parallel hotlines and the web platform;
(二) 诉求类型分布情况 with shares, the appeal types and the hot topics.
二、案例摘登 and 三、工作动态 — the paragraphs the lead writes, then the call-in statement
the assessment gives.
附件1 — each ranking group's table (网络单位, 考核总分, 排名) with its rule and threshold;
附件2 — the web messages per unit (办件总数, 已回复数, 未回复数).

Like the XLSX workbook, the document is in the centre's own words and format, the same in every
UI language. Qt-free: the command line and the reports screen share it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from agent_app.core.reports import OTHER_GROUP, MonthlyReport, UnitRow
from agent_app.paths import resources_dir

BODY_FONT = "仿宋"  # the official-document body font; any CJK font stands in where absent
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
NO_RANK = "—"
CALLED_IN = "约谈"
LEVEL_WORDS = {
    "principal": ("一年内连续两次或累计3次被约谈，由市政府秘书长会同市纪委监委、"
                  "市委组织部约谈其主要领导"),
    "public_statement": ("一年内连续3次或累计5次被约谈，单位主要领导在市政府网站和"
                         "市级媒体上作公开表态发言"),
}
PARALLEL_HOTLINES = (("hotline_12315", "12315消费者投诉举报热线"),
                     ("hotline_12328", "12328交通运输服务监督热线"),
                     ("hotline_12333", "12333社保查询热线"),
                     ("hotline_12348", "12348法律咨询热线"))
HOTLINE_12345 = ("phone_12345", "wechat", "app")  # 12345热线电话(含公众号、APP)
WEB_PLATFORM = ("mayor_mailbox", "web_message")
PHONE_CHANNELS = ("phone_12345", *(code for code, _ in PARALLEL_HOTLINES))
# The bulletin's order of the groups (seed 001's 附件1): 分中心, 各区, 市直和驻平单位, 街道.
BULLETIN_GROUP_ORDER = ("counties", "districts", "city_departments", "streets")


def bulletin_groups(report: MonthlyReport) -> list[tuple[str, str]]:
    def order(group: tuple[str, str]) -> int:
        code = group[0]
        return BULLETIN_GROUP_ORDER.index(code) if code in BULLETIN_GROUP_ORDER else 99

    return sorted(report.groups, key=order)  # stable: other groups keep the catalogue's order


@dataclass(frozen=True)
class BulletinNotes:
    """What the lead writes before exporting: 案例摘登 and 工作动态, paragraphs apart."""

    cases: str = ""
    activities: str = ""

    @classmethod
    def load(cls, path: Path) -> BulletinNotes:
        """A JSON object {"cases": text, "activities": text}; ValueError when it is not."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(
                isinstance(data.get(key, ""), str) for key in ("cases", "activities")):
            raise ValueError("the notes must be a JSON object with the texts cases and "
                             "activities")
        return cls(data.get("cases", ""), data.get("activities", ""))


def _appeal_type_names() -> dict[str, str]:
    entries = json.loads((resources_dir() / "catalogues" / "appeal_types.json")
                         .read_text(encoding="utf-8"))
    return {entry["code"]: entry["name"] for entry in entries}


def _share(part: int, whole: int) -> str:
    """占比 with one decimal, as the bulletins print it."""
    if whole <= 0:
        return "—"
    return f"{(Decimal(100 * part) / whole).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _rate(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _set_fonts(document: DocumentType) -> None:
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(3.0)
    section.left_margin = section.right_margin = Cm(2.6)


def _run_font(run, font: str, size: float, bold: bool = False) -> None:
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def _title(document: DocumentType, text: str, size: float = 18) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_font(paragraph.add_run(text), TITLE_FONT, size, bold=True)


def _heading(document: DocumentType, text: str) -> None:
    paragraph = document.add_paragraph()
    _run_font(paragraph.add_run(text), HEADING_FONT, 15)


def _body(document: DocumentType, text: str, *, indent: bool = True,
          keep_with_next: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = keep_with_next
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(28)
    paragraph.paragraph_format.line_spacing = 1.25
    _run_font(paragraph.add_run(text), BODY_FONT, 14)


def _note(document: DocumentType, text: str, *, caption: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = caption  # a table's title stays with it
    _run_font(paragraph.add_run(text), BODY_FONT, 10.5)


def _table(document: DocumentType, header: Sequence[str],
           rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid LibreOffice lays the table out by
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run_font(cell.paragraphs[0].add_run(text), HEADING_FONT, 11)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = Cm(width)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = (WD_ALIGN_PARAGRAPH.LEFT if index == 0
                                   else WD_ALIGN_PARAGRAPH.CENTER)
            _run_font(paragraph.add_run(text), BODY_FONT, 11)
    return table


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n") if part.strip()]


# Sections ----------------------------------------------------------------------------------


def _operation(document: DocumentType, report: MonthlyReport, centre: str) -> None:
    channels = {row.channel: row for row in report.channels}
    month = report.month.month

    def total(codes: Sequence[str], field: str) -> int:
        return sum(getattr(channels[c], field) for c in codes if c in channels)

    phone_calls = total(PHONE_CHANNELS, "contacts")
    dispatched, closed = report.totals.dispatched, sum(c.closed for c in channels.values())
    web_dispatched, web_replied = total(WEB_PLATFORM, "dispatched"), total(WEB_PLATFORM,
                                                                             "replied")
    _heading(document, "一、运行情况")
    _body(document, "（一）接听受理情况")
    _body(document,
          f"{month}月份，{centre}12345民呼必应热线平台共受理各类来电来信"
          f"{report.totals.contacts}件。其中，接听电话{phone_calls}人次，登记交办{dispatched}件，"
          f"已办结{closed}件，办结率{_rate(_percent(closed, dispatched))}，满意率"
          f"{_rate(report.totals.result_satisfaction)}；网络平台受理交办{web_dispatched}件，"
          f"办结回复{web_replied}件，办理回复率{_rate(_percent(web_replied, web_dispatched))}。")
    h_calls, h_dispatched = total(HOTLINE_12345, "contacts"), total(HOTLINE_12345, "dispatched")
    h_closed = total(HOTLINE_12345, "closed")
    _body(document,
          f"12345热线电话（含公众号、APP）受理{h_calls}人次，登记交办{h_dispatched}件，"
          f"已办结{h_closed}件，办结率{_rate(_percent(h_closed, h_dispatched))}。")
    parts = []
    for code, name in PARALLEL_HOTLINES:
        row = channels.get(code)
        calls = row.contacts if row else 0
        if row is not None and row.dispatched:
            parts.append(f"{name}共接听来电{calls}人次，登记交办{row.dispatched}件，已办结"
                         f"{row.closed}件，按期办结率{_rate(row.closed_rate)}")
        else:
            parts.append(f"{name}共接听来电{calls}人次")
    _body(document, "留号并行热线电话中，" + "；".join(parts) + "。")
    _body(document, f"通过市长信箱、网民留言等网络平台受理交办{web_dispatched}件，办结回复"
                    f"{web_replied}件。")


def _percent(part: int, whole: int) -> float | None:
    if whole <= 0:
        return None
    return float((Decimal(100 * part) / whole).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _distribution(document: DocumentType, report: MonthlyReport) -> None:
    contacts = report.totals.contacts
    _body(document, "（二）诉求类型分布情况")
    if not contacts:
        _body(document, "本月无受理诉求。")
        return
    topics: dict[str, list[str]] = {}
    for row in report.hot_topics:
        topics.setdefault(row.key[0], []).append(row.key[1])
    for row in report.categories[:5]:
        name = row.key[0]
        about = "、".join(topics.get(name, [])[:5])
        text = f"{name}类{row.count}件，占比{_share(row.count, contacts)}。"
        if about:
            text += f"主要涉及{about}等问题。"
        _body(document, text)
    names = _appeal_type_names()
    _note(document, "诉求类型统计表", caption=True)
    _table(document, ("类型", "数量（件）", "占比"),
           [(names.get(r.key[0], r.key[0]), str(r.count), _share(r.count, contacts))
            for r in report.appeal_types] + [("合计", str(contacts), "100%")], (5, 4, 4))
    if report.hot_topics:
        _note(document, "热点问题统计表", caption=True)
        _table(document, ("类型", "数量（件）", "占比"),
               [(f"{r.key[0]}—{r.key[1]}", str(r.count), _share(r.count, contacts))
                for r in report.hot_topics]
               + [("合计", str(report.totals.hot_topics_count),
                   _share(report.totals.hot_topics_count, contacts))], (7, 3, 3))


def call_in_statement(report: MonthlyReport) -> str:
    """The sentence of 工作动态 that names the units called in, in the bulletin's words."""
    rules = {rule["group"]: rule for rule in report.thresholds}
    names = dict(report.groups)
    parts = []
    for code, _name in bulletin_groups(report):
        # The lowest first, as the bulletin names them.
        called = sorted((row for row in report.units if row.group == code and row.interview),
                        key=lambda row: (row.score or 0, row.unit))
        rule = rules.get(code)
        if not called or not rule or rule.get("share") is None:
            continue
        share = f"{Decimal(str(rule['share'])) * 100:.0f}%"
        units = "、".join(row.unit for row in called)
        if rule.get("last") == 1:
            parts.append(f"{units}在{names[code]}组排名最后且分数低于本组最高分{share}")
        else:
            parts.append(f"{names[code]}组排名最后{_count_word(rule.get('last'))}且分数低于本组"
                         f"最高分{share}的有{units}")
    if not parts:
        return "根据本月考核结果，各组均无排名最后且分数低于本组最高分规定比例的单位。"
    text = "根据本月考核结果，个别单位排名靠后需加强提升。其中，" + "；".join(parts) + "。"
    for row in report.units:
        if row.interview and row.interview_level in LEVEL_WORDS:
            text += f"{row.unit}{LEVEL_WORDS[row.interview_level]}。"
    return text


def _count_word(count: object) -> str:
    return {2: "两名", 3: "三名"}.get(count, f"{count}名") if isinstance(count, int) else ""


def _annex_1(document: DocumentType, report: MonthlyReport, min_tickets: int) -> None:
    month = report.month.month
    _title(document, "附件1", 14)
    _title(document, f"{month}月份12345民呼必应热线考核结果", 16)
    rules = {rule["group"]: rule for rule in report.thresholds}
    for code, name in bulletin_groups(report):
        rows: list[UnitRow] = [row for row in report.units if row.group == code]
        if not rows:
            continue
        _body(document, f"{name if code != OTHER_GROUP else '其他单位'}考核情况表", indent=False,
              keep_with_next=True)
        _table(document, ("网络单位", "考核总分", "排名"),
               [(row.unit + (f"（{CALLED_IN}）" if row.interview else ""), _score(row.score),
                 str(row.rank) if row.rank is not None else NO_RANK) for row in rows],
               (10.5, 3, 2.3))
        _note(document, rule_text(rules.get(code), min_tickets))


def rule_text(rule: dict | None, min_tickets: int) -> str:
    """The ranking rule and threshold under a group's table, in the bulletin's words."""
    text = (f"注：按考核总分排名，同分同名次；工单量小于{min_tickets}件的单位不计入排名。")
    if rule and rule.get("threshold") is not None:
        share = f"{Decimal(str(rule['share'])) * 100:.0f}%"
        last = "最后一名" if rule.get("last") == 1 else f"最后{_count_word(rule.get('last'))}"
        text += (f"排名{last}且低于本组最高分{share}（{rule['top_score']:.2f}×{share}＝"
                 f"{rule['threshold']:.2f}分）的单位予以约谈。")
    return text


def _annex_2(document: DocumentType, report: MonthlyReport) -> None:
    rows = sorted((row for row in report.units if row.web_received),
                  key=lambda row: (-row.web_received, row.unit))
    _title(document, "附件2", 14)
    _title(document, f"{report.month.month}月份网络留言类受理件办理情况表", 16)
    received = sum(row.web_received for row in rows)
    replied = sum(row.web_replied for row in rows)
    _table(document, ("承办单位", "办件总数", "已回复数", "未回复数"),
           [(row.unit, str(row.web_received), str(row.web_replied),
             str(row.web_received - row.web_replied)) for row in rows]
           + [("总计", str(received), str(replied), str(received - replied))],
           (8, 2.5, 2.5, 2.5))


def write_report_docx(report: MonthlyReport, target: Path, *,
                      notes: BulletinNotes = BulletinNotes(), centre: str = "平顶山市",
                      min_tickets: int = 6) -> Path:
    document = Document()
    _set_fonts(document)
    month = report.month
    _title(document, f"{month.year}年{month.month}月12345民呼必应热线工作情况通报")
    if report.is_empty:
        _body(document, f"{month.month}月份没有受理和办理数据。")
    _operation(document, report, centre)
    _distribution(document, report)
    _heading(document, "二、案例摘登")
    for paragraph in _paragraphs(notes.cases) or ["本月未摘登案例。"]:
        _body(document, paragraph)
    _heading(document, "三、工作动态")
    activities = _paragraphs(notes.activities)
    for paragraph in activities:
        _body(document, paragraph)
    ordinal = "一二三四五六七八九十"[min(len(activities), 9)]
    _body(document, f"{ordinal}是强化考核约谈通报机制。{call_in_statement(report)}")
    _body(document, f"附件：1.{month.month}月份12345民呼必应热线考核结果", indent=False)
    _body(document, f"　　　2.{month.month}月份网络留言类受理件办理情况表", indent=False)
    document.add_page_break()
    _annex_1(document, report, min_tickets)
    document.add_page_break()
    _annex_2(document, report)
    document.save(str(target))
    return target
