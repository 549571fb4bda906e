"""Writes resources/kb/hotline_kb.jsonl: the evaluation KB (the demo articles plus one
article per matter and one per follow-up question of benchmarks/data/kb_topics.json).

kb_topics.json holds the matters (事项) a city 12345 KB answers, by domain: the handling
unit, category, phone and hall; each matter's conditions, materials, place, time limit and
fee; and the follow-up questions callers ask (each its own article, as units submit one
知识点 per question). Places and numbers are in the style of Pingdingshan, illustrative.

Deterministic: the same topics give the same file. Run from the repository root:
    python -m benchmarks.data.make_kb
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TOPICS = Path(__file__).with_name("kb_topics.json")
DEMO = ROOT / "resources" / "kb" / "demo_articles.jsonl"
OUTPUT = ROOT / "resources" / "kb" / "hotline_kb.jsonl"
EPOCH = datetime(2026, 6, 1, tzinfo=UTC)

TITLE_FORMS = ("{name}怎么办理", "{name}办理指南", "{name}需要什么材料", "如何办理{name}",
               "{name}的条件和流程", "{name}")
# Matters that are rules or facts rather than procedures are asked about, not "handled".
INFO_ENDINGS = ("标准", "价格", "安排", "政策", "制度", "时效", "权益", "安全", "冷静期", "免费",
                "服务", "问题", "纠纷", "查询", "扶持")
INFO_FORMS = ("{name}", "{name}说明", "关于{name}", "{name}咨询")
BODY_FORMS = (
    "{name}。办理条件：{cond}。所需材料：{mats}。办理渠道：{where}。办理时限：{time}。"
    "收费标准：{fee}。咨询电话：{phone}（{unit}）。",
    "{name}可通过{where}办理。申请人需满足：{cond}。申请时请携带{mats}。{time}；{fee}。"
    "如有疑问可拨打{phone}咨询{unit}。",
    "问：{name}怎么办？答：适用对象为{cond}。准备{mats}，到{where}申请即可，"
    "办理时限为{time}，费用方面{fee}。承办单位：{unit}，电话{phone}。",
    "【适用范围】{cond}。【申请材料】{mats}。【办理地点】{where}，{hall}。【办结时限】{time}。"
    "【收费】{fee}。【咨询】{unit} {phone}。",
)


def _pick(options: tuple[str, ...], key: str) -> str:
    return options[zlib.crc32(key.encode("utf-8")) % len(options)]


def _title(name: str, key: str) -> str:
    if name.endswith(INFO_ENDINGS):
        return _pick(INFO_FORMS, key).format(name=name)
    # 转学办理 → 转学怎么办理, not 转学办理怎么办理.
    stem = name.removesuffix("办理") if name.endswith("办理") and len(name) > 3 else name
    return _pick(TITLE_FORMS, key).format(name=stem)


def _values(domain: dict[str, Any], matter: dict[str, Any]) -> dict[str, str]:
    values = {key: matter[key] for key in ("name", "cond", "mats", "where", "time", "fee")}
    values.update({key: domain[key] for key in ("phone", "unit", "hall")})
    return values


def _updated(key: str) -> str:
    return (EPOCH - timedelta(days=zlib.crc32(key.encode("utf-8")) % 900)).isoformat()


def generated_articles() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = []
    with TOPICS.open(encoding="utf-8") as handle:
        domains = json.load(handle)
    for domain in domains:
        labels = {"category": domain["category"], "unit": domain["unit"]}
        for number, matter in enumerate(domain["matters"], start=1):
            values = _values(domain, matter)
            key = f"{domain['key']}-{number:02d}"
            articles.append({
                "id": f"pds-{key}", "title": _title(matter["name"], key),
                "body": _pick(BODY_FORMS, key).format(**values), **labels,
                "updated_at": _updated(key)})
            for faq_number, (question, answer) in enumerate(matter["faqs"], start=1):
                faq_key = f"{key}-q{faq_number}"
                body = (f"{answer}相关事项：{matter['name']}，办理渠道：{matter['where']}。"
                        f"咨询电话：{domain['phone']}。")
                articles.append({"id": f"pds-{faq_key}", "title": question, "body": body,
                                 **labels, "updated_at": _updated(faq_key)})
    return articles


def all_articles() -> list[dict[str, Any]]:
    with DEMO.open(encoding="utf-8") as handle:
        demo = [json.loads(line) for line in handle if line.strip()]
    return demo + generated_articles()


def main() -> None:
    articles = all_articles()
    with OUTPUT.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    print(f"{len(articles)} articles written to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
