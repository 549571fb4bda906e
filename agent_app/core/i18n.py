"""Translation markers usable without Qt.

lupdate recognises calls named ``QT_TRANSLATE_NOOP(context, text)`` in Python sources, so core
code marks its user-facing strings with this no-op and the UI translates them at display time
with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations

from functools import cache
from xml.etree import ElementTree


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text


# Contexts whose sentences the server sends to clients (rejection reasons).
SERVER_CONTEXTS = ("Wire", "TicketCommand")


@cache
def _shipped_translations(language: str) -> dict[tuple[str, str], str]:
    """(context, source) → translation, read from the shipped .ts: the one home of the
    translations, readable without Qt (the server has none)."""
    from agent_app.paths import resources_dir

    path = resources_dir() / "translations" / f"agent_app_{language}.ts"
    if not path.exists():
        return {}
    table: dict[tuple[str, str], str] = {}
    for context in ElementTree.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            source, translation = message.find("source"), message.find("translation")
            if source is None or translation is None or not translation.text:
                continue
            if translation.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            table[(name, source.text or "")] = translation.text
    return table


def translated(text: str, *, language: str = "zh_CN",
               contexts: tuple[str, ...] = SERVER_CONTEXTS) -> str:
    """One of core's fixed sentences in `language`, or the text unchanged."""
    table = _shipped_translations(language)
    for context in contexts:
        found = table.get((context, text))
        if found is not None:
            return found
    return text
