"""Encryption at rest (issue 15, item 11): the same budgets with a plain SQLite cache and with a
SQLCipher-encrypted one, measured in the same run, and their ratio.

- save: p95 of registering a ticket (ticket row + events + outbox, one Unit of Work,
  synchronous=FULL) with `--tickets` tickets cached (DESIGN.md §8: p95 ≤ 20 ms).
- KB search: p95 of KbSearcher.search over the evaluation queries on `--articles` synthetic
  articles, snippets included (§8: p95 ≤ 20 ms on 100k articles).
- open: open_database on the filled cache (integrity check, migration check, engine), the
  part of start-up encryption changes, median of `--runs`.
Each measurement alternates between the two caches (a save in one, then in the other; query
by query; open by open), so on a shared machine both meet the same load.

- cold start: benchmarks/startup.py's probe (a fresh interpreter to the first paint of the
  window's frame, which comes before the cache is opened, and to the first screen filled
  from the cache, which is where the cache's cost shows) on the filled cache, median of
  `--runs` (§8: first paint ≤ 1.0 s).
- encrypt existing: encrypting the filled plain cache in place (what turning the setting on
  costs an existing PC once).

    python benchmarks/encryption.py [--tickets 100000] [--articles 100000] [--runs 5]

The key lives in a file-backed stand-in keyring here (tests/os_keyring.py), as the OS keyring
would hold it. Prints figures; the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402

from agent_app.search import KbSearcher, apply_article_changes  # noqa: E402
from agent_app.storage import encryption, ops  # noqa: E402
from agent_app.storage.database import DB_FILENAME, open_database  # noqa: E402
from benchmarks.common import fill_cache, percentile  # noqa: E402
from benchmarks.kb_quality import EVAL_FILE, KB_FILE, read_jsonl  # noqa: E402
from benchmarks.kb_speed import BATCH, ONE_CHARACTER, synthesise, timed_queries  # noqa: E402
from benchmarks.startup import PROBE  # noqa: E402
from tests.factories import make_ticket  # noqa: E402
from tests.os_keyring import ENV as KEYRING_ENV  # noqa: E402
from tests.os_keyring import FileKeyring, child_env  # noqa: E402


def save_latencies(dirs: dict[str, Path], saves: int) -> dict[str, list[float]]:
    """Saves alternating between the two caches, so both meet the same load on a shared
    machine."""
    base = make_ticket()
    dbs = {label: open_database(folder / DB_FILENAME, encrypt=label == "sqlcipher")
           for label, folder in dirs.items()}
    assert dbs["sqlcipher"].encrypted and not dbs["plain"].encrypted
    latencies: dict[str, list[float]] = {label: [] for label in dirs}
    for n in range(saves):
        for label, db in dbs.items():
            ticket = replace(base, id=f"NEW-{n:05d}",
                             events=[replace(base.events[0], id=str(uuid.uuid4()))])
            began = time.perf_counter()
            ops.register_ticket(db, ticket)
            latencies[label].append((time.perf_counter() - began) * 1000)
    for db in dbs.values():
        db.close()
    return latencies


def kb_latencies(dirs: dict[str, Path], articles: list[dict], queries: list[str],
                 repeat: int) -> dict[str, list[float]]:
    for label, folder in dirs.items():
        db = open_database(folder / DB_FILENAME, encrypt=label == "sqlcipher")
        with db.unit_of_work() as uow:
            for start in range(0, len(articles), BATCH):
                apply_article_changes(uow.session, articles[start:start + BATCH], [])
            uow.commit()
        db.close()
    # Searched from a fresh open, as after a start, the two caches query by query in turn.
    dbs = {label: open_database(folder / DB_FILENAME, encrypt=label == "sqlcipher")
           for label, folder in dirs.items()}
    searchers = {label: KbSearcher(db) for label, db in dbs.items()}
    wall: dict[str, list[float]] = {label: [] for label in dirs}
    for _ in range(repeat + 1):  # the first round warms the caches and is not counted
        for query in queries:
            for label, searcher in searchers.items():
                times, _cpu = timed_queries(searcher, [query], 1)
                wall[label].extend(times)
    for db in dbs.values():
        db.close()
    return wall


def open_times(dirs: dict[str, Path], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {label: [] for label in dirs}
    for _ in range(runs):
        for label, folder in dirs.items():
            began = time.perf_counter()
            db = open_database(folder / DB_FILENAME, encrypt=label == "sqlcipher")
            times[label].append((time.perf_counter() - began) * 1000)
            db.close()
    return times


def cold_starts(dirs: dict[str, Path], runs: int,
                keyring_file: Path) -> dict[str, list[list[float]]]:
    """Per cache, [first paint, first screen filled] of each run."""
    envs = {}
    for label, folder in dirs.items():
        config = folder.parent / f"config-{label}.toml"
        encrypt = "true" if label == "sqlcipher" else "false"
        config.write_text(f"encrypt_cache = {encrypt}\n", encoding="utf-8")
        envs[label] = {**child_env(keyring_file), "AGENT_APP_SYSTEM_CONFIG": str(config),
                       "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    timings: dict[str, list[list[float]]] = {label: [] for label in dirs}
    for _ in range(runs):
        for label, folder in dirs.items():
            started = time.time()
            out = subprocess.run([sys.executable, "-c", PROBE, repr(started), str(folder)],
                                 capture_output=True, text=True, cwd=ROOT, env=envs[label],
                                 timeout=120, check=True)
            timings[label].append([float(word) for word in
                                   out.stdout.strip().splitlines()[-1].split()])
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    encryption.cipher_module()  # fails here, plainly, without SQLCipher
    base = read_jsonl(KB_FILE)
    articles = synthesise(base, args.articles)
    queries = [case["query"] for case in read_jsonl(EVAL_FILE)] + ONE_CHARACTER

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        keyring_file = root / "keyring.json"
        os.environ[KEYRING_ENV] = str(keyring_file)
        keyring.set_keyring(FileKeyring(keyring_file))
        plain_dir, cipher_dir = root / "plain", root / "encrypted"

        # The same filled cache for both: filled plain, copied, the copy encrypted in place.
        db = open_database(plain_dir / DB_FILENAME, encrypt=False)
        fill_seconds = fill_cache(db, args.tickets)
        db.close()
        shutil.copytree(plain_dir, cipher_dir)
        began = time.perf_counter()
        db = open_database(cipher_dir / DB_FILENAME, encrypt=True)
        encrypt_seconds = time.perf_counter() - began
        assert db.encrypted and encryption.is_encrypted_file(cipher_dir / DB_FILENAME)
        db.close()
        print(f"filled {args.tickets} tickets in {fill_seconds:.1f} s; encrypting that cache "
              f"in place took {encrypt_seconds:.1f} s")

        dirs = {"plain": plain_dir, "sqlcipher": cipher_dir}
        saves = save_latencies(dirs, args.saves)
        opens = open_times(dirs, args.runs)
        starts = cold_starts(dirs, args.runs, keyring_file)
        searches = kb_latencies({label: root / f"kb-{label}" for label in dirs}, articles,
                                queries, args.repeat)
        figures = {label: {
            "save_p95_ms": round(percentile(saves[label], 0.95), 2),
            "save_p50_ms": round(percentile(saves[label], 0.5), 2),
            "kb_p95_ms": round(percentile(searches[label], 0.95), 2),
            "kb_p50_ms": round(percentile(searches[label], 0.5), 2),
            "open_median_ms": round(statistics.median(opens[label]), 1),
            "cold_start_median_s": round(statistics.median(run[0] for run in starts[label]), 3),
            "filled_median_s": round(statistics.median(run[1] for run in starts[label]), 3),
            "size_mb": round((dirs[label] / DB_FILENAME).stat().st_size / 2**20, 1),
        } for label in dirs}

    plain, cipher = figures["plain"], figures["sqlcipher"]
    ratios = {key: round(cipher[key] / plain[key], 2) if plain[key] else None for key in plain}
    budgets = {"save_p95_ms": 20.0, "kb_p95_ms": 20.0, "cold_start_median_s": 1.0}
    print(f"{'':24}{'plain':>10}{'SQLCipher':>11}{'ratio':>8}{'budget':>9}")
    for key in plain:
        budget = budgets.get(key)
        print(f"{key:24}{plain[key]:>10}{cipher[key]:>11}{ratios[key]!s:>8}"
              f"{'' if budget is None else f'≤ {budget}':>9}")
    within = {key: cipher[key] <= budget for key, budget in budgets.items()}
    print(f"{args.tickets} tickets, {args.articles} articles, {args.saves} saves, "
          f"{len(queries) * args.repeat} searches, {args.runs} opens and cold starts each; "
          f"SQLCipher within budget: {within}")
    print(json.dumps({"tickets": args.tickets, "articles": args.articles,
                      "encrypt_existing_s": round(encrypt_seconds, 1), "plain": plain,
                      "sqlcipher": cipher, "ratio": ratios, "sqlcipher_within_budget": within}))


if __name__ == "__main__":
    main()
