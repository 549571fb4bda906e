"""Placeholders that step aside while an input method composes.

QPlainTextEdit paints its placeholder whenever the document is empty, and the pinyin an input
method is composing (its preedit) is not in the document until it is committed: the grey hint
and "nihao" were drawn over each other. QLineEdit already hides its placeholder then.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit


class PlaceholderHiddenWhileComposing(QObject):
    """Installed on one text edit (and owned by it): clears its placeholder on the first
    non-empty preedit and puts it back when the composition ends, committed or cancelled."""

    def __init__(self, edit: QPlainTextEdit | QTextEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        self._hidden: str | None = None
        edit.installEventFilter(self)

    @property
    def composing(self) -> bool:
        return self._hidden is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._edit and isinstance(event, QInputMethodEvent):
            if event.preeditString():
                if self._hidden is None and self._edit.placeholderText():
                    self._hidden = self._edit.placeholderText()
                    self._edit.setPlaceholderText("")
            elif self._hidden is not None:
                # A placeholder set meanwhile (a language change) wins over the old one.
                if not self._edit.placeholderText():
                    self._edit.setPlaceholderText(self._hidden)
                self._hidden = None
        return False
