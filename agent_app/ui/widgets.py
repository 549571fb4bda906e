"""Small widgets shared by screens."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class FieldError(QLabel):
    """The message shown right under the field it is about; hidden when empty.

    Plain text always: messages may quote what the user typed or what the server said.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet("color: #c0392b;")
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.show_message("")


def plain_tooltip(text: str) -> str:
    """A tooltip showing `text` literally. Qt renders a tooltip as rich text whenever it looks
    like markup (`<b>…`, `&lt;`), and replies, reasons and titles come from data; escaped, it
    also wraps, which a long reply needs."""
    return f'<p style="white-space:pre-wrap">{html.escape(text, quote=False)}</p>' if text else ""


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that never interprets its text as rich text (it may come from data)."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
