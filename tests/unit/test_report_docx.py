"""The DOCX bulletin: laid out as seed 001, with the assessment's tables and call-ins."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from docx import Document

from agent_app.core.assessment import (
    AssessmentInputs,
    AssessmentPolicy,
    OfficialScore,
    assess,
)
from agent_app.core.catalogue import Catalogue
from agent_app.core.reports import Month, UnitDirectory, compute_report
from agent_app.export import write_report
from agent_app.export.report_docx import BulletinNotes
from agent_app.paths import resources_dir
from tests.report_history import TicketHistory, cst

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bulletins" / "2023-08.json"
AUGUST = json.loads(FIXTURE.read_text(encoding="utf-8"))
DIRECTORY = UnitDirectory.from_catalogue(Catalogue.load(resources_dir() / "catalogues"))
POLICY = AssessmentPolicy.load(resources_dir() / "policy" / "assessment.json")


def august_report():
    tickets = []
    for table in AUGUST["tables"]:
        for name, _score, _rank in table["rows"]:
            for n in range(6):
                channel = "web_message" if n == 0 else "phone_12345"
                history = (TicketHistory(f"{name}-{n}", cst(2023, 8, 1 + n, 9), channel=channel)
                           .dispatch(name, cst(2023, 8, 1 + n, 10))
                           .reply(cst(2023, 8, 2 + n, 9)))
                tickets.append(history.report_ticket())
    scores = []
    for table in AUGUST["tables"]:
        for number, (name, score, _rank) in enumerate(table["rows"], start=2):
            official, group = DIRECTORY.lookup(name)  # type: ignore[misc]
            scores.append(OfficialScore(official, group, Decimal(score), None, number))
    report = compute_report(tickets, Month(2023, 8), directory=DIRECTORY)
    return assess(report, POLICY, DIRECTORY, AssessmentInputs(scores=scores))


def test_the_bulletin_has_the_sections_tables_and_call_ins_of_seed_001(tmp_path):
    notes = BulletinNotes(cases="（一）热点问题\n1.学区划片问题",
                          activities="一是各级领导高度重视热线工作。")
    target = write_report(august_report(), "docx", tmp_path / "bulletin.docx", notes=notes)
    document = Document(str(target))
    text = [p.text for p in document.paragraphs]
    assert text[0] == "2023年8月12345民呼必应热线工作情况通报"
    for heading in ("一、运行情况", "（一）接听受理情况", "（二）诉求类型分布情况", "二、案例摘登",
                    "三、工作动态", "1.学区划片问题", "一是各级领导高度重视热线工作。"):
        assert heading in text
    statement = next(p for p in text if p.startswith("二是强化考核约谈通报机制"))
    # As the bulletin words it, the districts first.
    assert statement.endswith(
        "其中，示范区在市内五区组排名最后且分数低于本组最高分85%；市直和驻平单位组排名最后两名且"
        "分数低于本组最高分80%的有电信公司、河南有线电视网络集团有限公司平顶山分公司。")
    tables = {}
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        tables.setdefault(tuple(rows[0]), []).append(rows[1:])
    annex_1 = tables[("网络单位", "考核总分", "排名")]
    assert len(annex_1) == 4
    # Seed 001's order of the groups: 分中心, 各区, 市直和驻平单位, 街道 (two tied first).
    assert [rows[0][0] for rows in annex_1[:3]] == ["郏县", "石龙区", "市公安局交管支队"]
    assert {annex_1[3][0][0], annex_1[3][1][0]} == {"新华区西高皇街道办事处",
                                                    "卫东区东环路街道办事处"}
    districts = annex_1[1]
    assert districts == [["石龙区", "83.21", "1"], ["新华区", "82.68", "2"],
                         ["卫东区", "82.67", "3"], ["湛河区", "80.97", "4"],
                         ["高新区", "76.86", "5"], ["示范区（约谈）", "68.60", "6"]]
    [web] = tables[("承办单位", "办件总数", "已回复数", "未回复数")]
    assert web[-1] == ["总计", "88", "88", "0"]  # one web message per unit, all replied


def test_an_empty_month_says_so(tmp_path):
    empty = assess(compute_report([], Month(2023, 9), directory=DIRECTORY), POLICY, DIRECTORY)
    document = Document(str(write_report(empty, "docx", tmp_path / "empty.docx")))
    text = [p.text for p in document.paragraphs]
    assert "9月份没有受理和办理数据。" in text
    assert any("各组均无排名最后" in p for p in text)
