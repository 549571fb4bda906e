"""KB search speed on 100,000 articles (DESIGN.md §8: p95 ≤ 20 ms; build ≤ 60 s).

The articles are synthesised from the evaluation KB (resources/kb/hotline_kb.jsonl): each
takes a base article's title with a district or county and an aspect, and its body with a
sentence from two other articles, so the vocabulary and the posting lists grow as in a
real city KB rather than repeating 400 documents. Measured:
- import: the rows and their index written through apply_article_changes (as the importer
  and sync do), one transaction;
- rebuild: the whole index made again from kb_articles (a tokenizer upgrade);
- queries: every style of both evaluation sets plus one-character queries (Han and Latin),
  each run several times through KbSearcher.search, snippets included;
- the index size (the FTS5 tables and the row map), from SQLite's dbstat;
- with --usage-pairs N (default 100,000) kept (query, article) pairs in kb_usage first, as
  months of operators' use would leave, so every search also pays for the learning lift;
- the floor: the same queries' first token looked up once each, bm25-ranked, in the title
  table (the least any search of this index does); the ratio is search p95 over floor p95.

    python benchmarks/kb_speed.py [--articles 100000] [--repeat 5]

Times are wall-clock; CPU times (process_time) are printed beside them, because on a
machine shared with other work the wall clock also counts the time spent waiting for a
core, and the CPU time is what the same run costs on an idle PC. Prints figures; the last
line is JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent_app.search import KbSearcher, apply_article_changes, rebuild_index  # noqa: E402
from agent_app.search.learning import HORIZON_DAYS, query_key  # noqa: E402
from agent_app.search.text import index_tokens  # noqa: E402
from agent_app.storage.database import Database, open_database  # noqa: E402
from agent_app.storage.schema import KbUsageRow  # noqa: E402
from benchmarks.common import percentile  # noqa: E402
from benchmarks.kb_quality import CALLERS_FILE, EVAL_FILE, KB_FILE, read_jsonl  # noqa: E402

PLACES = ("新华区", "卫东区", "湛河区", "石龙区", "高新区", "新城区", "舞钢市", "汝州市", "宝丰县",
          "叶县", "鲁山县", "郏县", "城乡一体化示范区", "尧山镇", "马楼乡", "焦店镇")
ASPECTS = ("", "（线上办理）", "（窗口办理）", "（2025年版）", "常见问题", "政策解读", "办事指南",
           "（代办）", "（企业）", "（个人）")
ONE_CHARACTER = ["税", "房", "证", "办", "医", "车", "卡", "水", "g", "s", "1"]
_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
BATCH = 2000


def synthesise(base: Sequence[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    sentences = [s for article in base for s in _SENTENCE.findall(article["body"]) if s]
    articles = []
    for n in range(count):
        source = base[n % len(base)]
        place = PLACES[(n // len(base)) % len(PLACES)]
        aspect = ASPECTS[(n // (len(base) * len(PLACES))) % len(ASPECTS)]
        extra = sentences[(n * 7919) % len(sentences)] + sentences[(n * 104729) % len(sentences)]
        articles.append({**source, "id": f"syn-{n:06d}",
                         "title": f"{place}{source['title']}{aspect}",
                         "body": source["body"] + extra})
    return articles


def keep_usage(db: Database, queries: Sequence[str], articles: Sequence[dict[str, Any]],
               count: int) -> None:
    """`count` kept pairs: the evaluation queries, varied by a few spoken words, each with
    an article, spread over the learning horizon."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    extra = list("的了吗呢啊家里我们那边今天昨天已经一直")
    rows = []
    for n in range(count):
        query = rng.choice(queries) + "".join(rng.choice(extra) for _ in range(rng.randint(0, 3)))
        rows.append(KbUsageRow(query=query, query_key=query_key(query),
                               article_id=rng.choice(articles)["id"],
                               action=rng.choice(("open", "answer")),
                               at=now - timedelta(hours=n % (24 * HORIZON_DAYS))))
    with db.unit_of_work() as uow:
        uow.session.add_all(rows)
        uow.commit()


def index_bytes(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'kb_fts%' "
            "OR name LIKE '%kb_search_docs%' OR name LIKE 'kb_articles%' "
            "OR name LIKE '%autoindex_kb_articles%' GROUP BY name").all()
    return {name: size for name, size in rows}


def timed_queries(searcher: KbSearcher, queries: Sequence[str],
                  repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each search."""
    for query in queries:  # warm the page cache and the pinyin tables once
        searcher.search(query)
    wall, cpu = [], []
    for _ in range(repeat):
        for query in queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            searcher.search(query)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def floor_queries(db: Database, queries: Sequence[str], repeat: int) -> list[float]:
    """The floor: wall-clock milliseconds of the least a search can do on the same index,
    one bm25-ranked FTS5 lookup of the query's first token in the title table, top 10."""
    statement = ("SELECT rowid, bm25(kb_fts_title) AS rank FROM kb_fts_title "
                 "WHERE kb_fts_title MATCH ? ORDER BY rank LIMIT 10")
    tokens = []
    for query in queries:
        first = index_tokens(query).split()
        if first:
            tokens.append(f'"{first[0]}"*' if len(first[0]) == 1 else f'"{first[0]}"')
    times: list[float] = []
    with db.engine.connect() as conn:
        cursor = conn.connection.cursor()
        for token in tokens:  # warm
            cursor.execute(statement, (token,)).fetchall()
        for _ in range(repeat):
            for token in tokens:
                started = time.perf_counter()
                cursor.execute(statement, (token,)).fetchall()
                times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--usage-pairs", type=int, default=100_000)
    args = parser.parse_args()
    base = read_jsonl(KB_FILE)
    articles = synthesise(base, args.articles)
    # Both evaluation sets: the team's seven styles and the callers' spoken questions.
    eval_queries = [case["query"] for case in read_jsonl(EVAL_FILE) + read_jsonl(CALLERS_FILE)]

    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "agent.db")
        started, started_cpu = time.perf_counter(), time.process_time()
        with db.unit_of_work() as uow:
            for start in range(0, len(articles), BATCH):
                apply_article_changes(uow.session, articles[start:start + BATCH], [])
            uow.commit()
        import_seconds = time.perf_counter() - started
        import_cpu = time.process_time() - started_cpu

        started, started_cpu = time.perf_counter(), time.process_time()
        with db.unit_of_work() as uow:
            rebuild_index(uow.session)
            uow.commit()
        rebuild_seconds = time.perf_counter() - started
        rebuild_cpu = time.process_time() - started_cpu
        sizes = index_bytes(db)
        keep_usage(db, eval_queries, articles, args.usage_pairs)

        # Cold: a new searcher, each query once, its caches only as the queries before it
        # left them (the first calls of a shift).
        cold = KbSearcher(db)
        cold_times, cold_cpu = [], []
        for query in eval_queries + ONE_CHARACTER:
            started, started_cpu = time.perf_counter(), time.process_time()
            cold.search(query)
            cold_cpu.append((time.process_time() - started_cpu) * 1000)
            cold_times.append((time.perf_counter() - started) * 1000)
        searcher = KbSearcher(db)
        all_times, all_cpu = timed_queries(searcher, eval_queries + ONE_CHARACTER, args.repeat)
        one_char_times, one_char_cpu = timed_queries(searcher, ONE_CHARACTER, args.repeat)
        slowest = sorted(((timed_queries(searcher, [q], 1)[1][0], q)
                          for q in eval_queries + ONE_CHARACTER), reverse=True)[:5]
        floor_times = floor_queries(db, eval_queries + ONE_CHARACTER, args.repeat)
        db.close()

    index_total = sum(size for name, size in sizes.items() if not name.startswith(("kb_art",
                                                                                   "sqlite")))
    articles_total = sum(size for name, size in sizes.items() if name.startswith("kb_art")
                         or "autoindex_kb_articles" in name)
    result = {
        "articles": args.articles, "queries": len(all_times), "usage_pairs": args.usage_pairs,
        "import_s": round(import_seconds, 1), "import_cpu_s": round(import_cpu, 1),
        "rebuild_s": round(rebuild_seconds, 1), "rebuild_cpu_s": round(rebuild_cpu, 1),
        "index_mb": round(index_total / 2**20, 1), "articles_mb": round(articles_total / 2**20, 1),
        "p50_ms": round(percentile(all_times, 0.50), 2),
        "p95_ms": round(percentile(all_times, 0.95), 2),
        "max_ms": round(max(all_times), 2),
        "one_char_p95_ms": round(percentile(one_char_times, 0.95), 2),
        "cpu_p50_ms": round(percentile(all_cpu, 0.50), 2),
        "cpu_p95_ms": round(percentile(all_cpu, 0.95), 2),
        "one_char_cpu_p95_ms": round(percentile(one_char_cpu, 0.95), 2),
        "cold_p95_ms": round(percentile(cold_times, 0.95), 2),
        "cold_cpu_p95_ms": round(percentile(cold_cpu, 0.95), 2),
        "floor_p95_ms": round(percentile(floor_times, 0.95), 2),
    }
    result["ratio_p95"] = round(result["p95_ms"] / result["floor_p95_ms"], 1)
    print(f"{args.usage_pairs} kept usage pairs")
    print(f"{args.articles} articles: import with index {result['import_s']} s "
          f"(CPU {result['import_cpu_s']} s), index rebuild {result['rebuild_s']} s "
          f"(CPU {result['rebuild_cpu_s']} s)")
    print(f"index {result['index_mb']} MB (articles themselves {result['articles_mb']} MB)")
    for name, size in sorted(sizes.items()):
        print(f"  {name:<32}{size / 2**20:8.1f} MB")
    print(f"{len(all_times)} searches: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"max {result['max_ms']} ms; one-character p95 {result['one_char_p95_ms']} ms")
    print(f"  CPU: p50 {result['cpu_p50_ms']} ms, p95 {result['cpu_p95_ms']} ms; "
          f"one-character p95 {result['one_char_cpu_p95_ms']} ms")
    print(f"  cold (new searcher, each query once): p95 {result['cold_p95_ms']} ms, "
          f"CPU p95 {result['cold_cpu_p95_ms']} ms; target p95 ≤ 20 ms")
    print(f"  floor (one bm25 lookup of the first token in titles): p95 "
          f"{result['floor_p95_ms']} ms; search p95 / floor p95 = {result['ratio_p95']}")
    print("slowest (CPU):", ", ".join(f"{q!r} {t:.1f} ms" for t, q in slowest))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
