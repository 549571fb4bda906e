"""Translation markers usable without Qt.

lupdate recognises calls named ``QT_TRANSLATE_NOOP(context, text)`` in Python sources, so core
code marks its user-facing strings with this no-op and the UI translates them at display time
with ``QCoreApplication.translate(context, text)``.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    return text
