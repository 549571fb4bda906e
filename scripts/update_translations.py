"""Refresh the zh_CN translation source from the code, then build the .qm the app loads.

    python scripts/update_translations.py          # after changing user-facing strings
    python scripts/update_translations.py --check  # exit 1 if .ts or .qm is out of date

New strings appear in the .ts as unfinished; translate them (Qt Linguist or an editor) and
run this again. tests/ui/test_translations.py fails while anything is missing or stale.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_FILE = ROOT / "resources" / "translations" / "agent_app_zh_CN.ts"
QM_FILE = TS_FILE.with_suffix(".qm")


def tool(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found; install PySide6-Essentials")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "agent_app").rglob("*.py"))


def lupdate(ts_file: Path) -> None:
    subprocess.run([tool("pyside6-lupdate"), *sources(), "-ts", str(ts_file),
                    "-target-language", "zh_CN", "-no-obsolete", "-locations", "none",
                    "-silent"], cwd=ROOT, check=True)


def lrelease(ts_file: Path, qm_file: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)],
                   cwd=ROOT, check=True)


def check() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / TS_FILE.name
        shutil.copy(TS_FILE, fresh_ts)
        lupdate(fresh_ts)
        if not filecmp.cmp(fresh_ts, TS_FILE, shallow=False):
            problems.append(f"{TS_FILE.name} does not match the strings in the code")
        if 'type="unfinished"' in TS_FILE.read_text(encoding="utf-8"):
            problems.append(f"{TS_FILE.name} has untranslated strings")
        fresh_qm = Path(tmp) / QM_FILE.name
        lrelease(TS_FILE, fresh_qm)
        if not QM_FILE.exists() or not filecmp.cmp(fresh_qm, QM_FILE, shallow=False):
            problems.append(f"{QM_FILE.name} is not built from the current {TS_FILE.name}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    lupdate(TS_FILE)
    lrelease(TS_FILE, QM_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
