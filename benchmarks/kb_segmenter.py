"""Would a word segmenter (jieba) help KB search? What it costs, and what it changes.

The search cuts a caller's sentence into bigrams (colloquial.py: sentence_units). A
segmenter could tell which bigrams cross a word boundary (暖气|费 → 气费) and weigh them
down or drop them. jieba is not a dependency: install it beside the project to run this.
Measured:
- import and dictionary load (seconds), and the resident memory they add (MB);
- the time to cut a query (ms, mean over the evaluation queries);
- MRR@10 of the tune parts of the team, callers', dev and dev2 sets (never a held-out
  part) for: bigrams as shipped; bigrams across a jieba word boundary dropped; such
  bigrams weighed as circumstance words; jieba's words of 3+ characters added as units.
The variants are put in by replacing colloquial._chunk_units for the run, so the
product's code is not changed for an experiment.

    python benchmarks/kb_segmenter.py

Prints figures; last line JSON (without jieba: {"jieba": null}).
"""

from __future__ import annotations

import json
import logging
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import agent_app.search.colloquial as colloquial  # noqa: E402
from agent_app.search import KbSearcher  # noqa: E402
from agent_app.storage.database import open_database  # noqa: E402
from agent_app.storage.ops import import_kb_articles  # noqa: E402
from benchmarks import kb_quality  # noqa: E402

SETS = ("team", "callers", "dev", "dev2")
ChunkUnits = Callable[[str, Sequence[str], set[str]], list[tuple[str, bool]]]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def word_of_each_character(words: Sequence[str]) -> list[int]:
    owner: list[int] = []
    for n, word in enumerate(words):
        owner += [n] * len(word)
    return owner


def variant(shipped: ChunkUnits, cut: Callable[[str], list[str]], mode: str) -> ChunkUnits:
    def chunk_units(chunk: str, known: Sequence[str],
                    circumstance: set[str]) -> list[tuple[str, bool]]:
        units = shipped(chunk, known, circumstance)
        words = cut(chunk)
        owner = word_of_each_character(words)
        if mode == "words":
            return units + [(w, False) for w in words if len(w) >= 3]
        kept = []
        for i, (unit, background) in enumerate(units):
            # Two one-character words side by side (不|退) still make a bigram worth having.
            inside = owner[i] == owner[i + 1] or (len(words[owner[i]]) == 1
                                                  and len(words[owner[i + 1]]) == 1)
            if inside:
                kept.append((unit, background))
            elif mode == "weigh":
                kept.append((unit, True))
        return kept
    return chunk_units


def quality(searcher: KbSearcher) -> dict[str, float]:
    figures = {}
    for name in SETS:
        cases = [c for c in kb_quality.read_jsonl(kb_quality.EVAL_SETS[name])
                 if c["split"] == "tune"]
        judged = kb_quality.evaluate(searcher, cases)
        figures[name] = round(sum(j.reciprocal_rank for j in judged) / len(judged), 4)
    return figures


def main() -> None:
    before = rss_mb()
    started = time.perf_counter()
    try:
        import jieba  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        print("jieba is not installed: nothing to measure")
        print(json.dumps({"jieba": None}))
        return
    imported = time.perf_counter() - started
    jieba.setLogLevel(logging.WARNING)
    started = time.perf_counter()
    jieba.initialize()
    loaded = time.perf_counter() - started
    added_mb = rss_mb() - before

    def cut(text: str) -> list[str]:
        return list(jieba.cut(text))

    queries = [c["query"] for name in SETS for c in kb_quality.read_jsonl(
        kb_quality.EVAL_SETS[name]) if c["split"] == "tune"]
    started = time.perf_counter()
    for query in queries:
        cut(query)
    cut_ms = (time.perf_counter() - started) * 1000 / len(queries)
    print(f"jieba: import {imported:.2f} s, dictionary {loaded:.2f} s, +{added_mb:.0f} MB "
          f"resident; {cut_ms:.3f} ms to cut a query ({len(queries)} queries)")

    result: dict[str, Any] = {"jieba": jieba.__version__, "import_s": round(imported, 2),
                              "dictionary_s": round(loaded, 2), "added_mb": round(added_mb),
                              "cut_ms": round(cut_ms, 3)}
    shipped = colloquial._chunk_units
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "agent.db")
        import_kb_articles(db, kb_quality.read_jsonl(kb_quality.KB_FILE))
        searcher = KbSearcher(db)
        print(f"{'variant':<10}" + "".join(f"{name:>9}" for name in SETS))
        for mode in ("shipped", "drop", "weigh", "words"):
            # Through the module's namespace: a variant is not the function's own type.
            vars(colloquial)["_chunk_units"] = (shipped if mode == "shipped"
                                                else variant(shipped, cut, mode))
            try:
                figures = quality(searcher)
            finally:
                vars(colloquial)["_chunk_units"] = shipped
            result[mode] = figures
            print(f"{mode:<10}" + "".join(f"{figures[name]:>9.3f}" for name in SETS))
        db.close()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
