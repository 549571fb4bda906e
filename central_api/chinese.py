"""Chinese for the core's translatable sentences, on a server that has no Qt.

The desktop client translates core sentences (QT_TRANSLATE_NOOP) with Qt; the server answers
in Chinese from the same translation file, so the two never say different things.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET

from agent_app.paths import resources_dir

TS_FILE = ("translations", "agent_app_zh_CN.ts")


@functools.cache
def _catalogue() -> dict[tuple[str, str], str]:
    path = resources_dir().joinpath(*TS_FILE)
    found: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None or translation.get("type") in ("unfinished", "obsolete"):
                continue
            found[(name, message.findtext("source", ""))] = translation.text or ""
    return found


def translate(context: str, text: str) -> str:
    """The Chinese of `text`, or `text` itself when the file has none (an English sentence
    is better than none at all)."""
    return _catalogue().get((context, text)) or text
