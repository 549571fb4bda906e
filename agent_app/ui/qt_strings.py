"""Qt's own texts that the qtbase_zh_CN catalogue shipped with PySide6 lacks: Qt 6 changed
them (an accelerator was added), the catalogue kept the old wording, so they showed in English.
Listed here they go through our translation, which is installed after Qt's and wins."""

from __future__ import annotations

from agent_app.core.i18n import QT_TRANSLATE_NOOP

QT_OWN_TEXTS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)
