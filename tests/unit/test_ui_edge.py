"""The UI edge stays thin: screens reach the cache only through the tasks runner's ops, and the
reference data only through the runner that holds it."""

from __future__ import annotations

import re
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "agent_app" / "ui"
OPENS_A_UNIT_OF_WORK = re.compile(r"\.unit_of_work\(|\bdb\.session\(|sessionmaker")
LOADS_REFERENCE = re.compile(r"\bload_reference\b")


def ui_sources() -> dict[str, str]:
    return {str(path.relative_to(UI)): path.read_text(encoding="utf-8")
            for path in sorted(UI.rglob("*.py"))}


def test_no_ui_module_opens_a_unit_of_work():
    sources = ui_sources()
    assert len(sources) > 20  # the screens are there to be checked
    assert [name for name, text in sources.items() if OPENS_A_UNIT_OF_WORK.search(text)] == []


def test_no_ui_module_loads_the_reference_data_itself():
    assert [name for name, text in ui_sources().items() if LOADS_REFERENCE.search(text)] == []


def test_no_ui_module_names_the_topics_of_what_it_changes():
    # Ops return what they changed (recorded by storage); a call site names no topic set.
    named = re.compile(r"changes=frozenset|\bnotify\(")
    assert [name for name, text in ui_sources().items() if named.search(text)] == []
