"""`agent-app intake suggest --batch FILE --json` in a subprocess, as the scorer runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import agent_app


def test_one_json_object_per_input_line_blank_lines_included(tmp_path: Path) -> None:
    batch = tmp_path / "appeals.txt"
    batch.write_text("中央花园小区楼下下水道堵了，电话138-0375-1234\n"
                     "\n"
                     "老板拖欠三个月工资，我们几十个人堵在门口讨说法\n"
                     "晚上跳广场舞太吵了\n", encoding="utf-8")
    result = agent_app("--data-dir", str(tmp_path / "data"), "intake", "suggest",
                       "--batch", str(batch), "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 4
    assert all(list(line) == ["categories", "location", "phones", "risk"] for line in lines)
    first, blank, wages, dancing = lines
    assert first["location"] == ["新华区", "西高皇街道", "中央花园社区"]
    assert first["phones"] == ["13803751234"]
    assert first["categories"][0] == ["城市管理", "市政管网"]
    assert blank == {"categories": [], "location": None, "phones": [], "risk": False}
    assert wages["risk"] is True and wages["categories"][0] == ["工资薪金", "拖欠工资"]
    assert dancing["risk"] is False


def test_batch_from_stdin_and_a_single_text(tmp_path: Path) -> None:
    piped = agent_app("--data-dir", str(tmp_path), "intake", "suggest", "--batch", "-",
                      "--json", stdin="卫东区这边停水了\n".encode())
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["location"] == ["卫东区", None, None]
    single = agent_app("--data-dir", str(tmp_path), "intake", "suggest", "卫东区这边停水了")
    assert single.returncode == 0, single.stderr
    assert "卫东区" in single.stdout
