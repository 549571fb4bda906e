"""`agent-app kb import` and `agent-app kb search` as ops and scripts run them: a separate
process on a temporary data folder, reading its exit code, stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent_app.paths import resources_dir

DEMO_KB = resources_dir() / "kb" / "demo_articles.jsonl"


def agent_app(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agent_app", "--data-dir", str(data_dir), *args],
                          input=stdin, capture_output=True, text=True, encoding="utf-8",
                          timeout=120)


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("kb")
    result = agent_app(data_dir, "kb", "import", str(DEMO_KB))
    assert result.returncode == 0, result.stderr
    assert "imported 62 articles, skipped 0 bad lines" in result.stdout
    return data_dir


def test_search_prints_a_json_array_best_first(kb_dir):
    result = agent_app(kb_dir, "kb", "search", "公积金", "--json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert 1 <= len(hits) <= 3
    assert all({"id", "title", "score", "snippet"} <= hit.keys() for hit in hits)
    assert all("公积金" in hit["title"] for hit in hits)
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)


def test_pinyin_initials_find_the_same_articles_from_the_command_line(kb_dir):
    by_han = json.loads(agent_app(kb_dir, "kb", "search", "社保卡", "--json").stdout)
    by_initials = json.loads(agent_app(kb_dir, "kb", "search", "sbk", "--json").stdout)
    assert by_han and by_han[0]["id"] in {hit["id"] for hit in by_initials}


def test_batch_answers_one_line_per_query_line_even_for_odd_queries(kb_dir, tmp_path):
    queries = ["医保报销", "", '"NEAR OR -*', "gjj", "。。。"]
    batch = tmp_path / "queries.txt"
    batch.write_text("\n".join(queries) + "\n", encoding="utf-8")
    result = agent_app(kb_dir, "kb", "search", "--batch", str(batch), "--limit", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(queries)
    answers = [json.loads(line) for line in lines]
    assert answers[0] and answers[3] and len(answers[0]) <= 2
    assert answers[1] == [] and answers[4] == []
    # The same from standard input.
    piped = agent_app(kb_dir, "kb", "search", "--batch", "-", "--limit", "2",
                      stdin="医保报销\n")
    assert json.loads(piped.stdout) == answers[0]


def test_bad_lines_are_reported_by_number_and_the_rest_imported(tmp_path):
    good = {"id": "t-1", "title": "测试燃气表更换", "body": "正文", "unit": "燃气公司"}
    lines = [json.dumps(good, ensure_ascii=False), "{not json", "",
             json.dumps({"id": "t-2", "body": "no title"}),
             json.dumps({"id": "t-3", "title": "时间错", "body": "x", "updated_at": "yesterday"}),
             json.dumps({**good, "id": "t-4", "title": "第二篇燃气文章"}, ensure_ascii=False)]
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = agent_app(tmp_path / "data", "kb", "import", str(source))
    assert result.returncode == 1
    assert "imported 2 articles, skipped 3 bad lines" in result.stdout
    for number in (2, 4, 5):
        assert f"line {number}:" in result.stderr
    assert "title is missing" in result.stderr
    hits = json.loads(agent_app(tmp_path / "data", "kb", "search", "燃气", "--json").stdout)
    assert {hit["id"] for hit in hits} == {"t-1", "t-4"}


def test_importing_again_updates_instead_of_duplicating(tmp_path):
    source = tmp_path / "a.jsonl"
    for title in ("旧标题停车收费", "新标题车位纠纷"):
        source.write_text(json.dumps({"id": "p-1", "title": title, "body": "正文"},
                                     ensure_ascii=False) + "\n", encoding="utf-8")
        assert agent_app(tmp_path / "data", "kb", "import", str(source)).returncode == 0
    assert json.loads(agent_app(tmp_path / "data", "kb", "search", "停车收费",
                                "--json").stdout) == []
    hits = json.loads(agent_app(tmp_path / "data", "kb", "search", "车位纠纷", "--json").stdout)
    assert [hit["id"] for hit in hits] == ["p-1"]


def test_unusable_input_and_arguments_exit_2(tmp_path):
    missing = agent_app(tmp_path, "kb", "import", str(tmp_path / "missing.jsonl"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert agent_app(tmp_path, "kb", "search").returncode == 2  # no query, no --batch
    assert agent_app(tmp_path, "kb", "search", "医保", "--limit", "0").returncode == 2
    (tmp_path / "agent.db").write_bytes(b"not a database at all")
    broken = agent_app(tmp_path, "kb", "search", "医保")
    assert broken.returncode == 2 and "cannot be used" in broken.stderr
