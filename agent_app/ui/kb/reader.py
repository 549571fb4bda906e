"""One article, read in full: its facts, a warning when it may be out of date, the answer
button, and the error report (反馈纠错) typed in place, without a dialog in the way."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app.search import KbArticle
from agent_app.storage.ops import KB_FEEDBACK_MAX_CHARS
from agent_app.ui.kb.model import article_facts
from agent_app.ui.widgets import FieldError, plain_label


class ArticleReader(QWidget):
    answer_requested = Signal()
    feedback_submitted = Signal(str, str)  # article id, what is wrong

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article: KbArticle | None = None
        self.title = plain_label()
        self.title.setObjectName("kb_article_title")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 115%;")
        self.facts = plain_label()
        self.facts.setObjectName("kb_article_facts")
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet("color: #7f8c8d;")
        self.stale_warning = plain_label(self.tr(
            "⚠ Not updated for a long time: check with the unit before reading it out."))
        self.stale_warning.setObjectName("kb_stale_warning")
        self.stale_warning.setWordWrap(True)
        self.stale_warning.setStyleSheet("color: #d35400;")
        self.body = QPlainTextEdit()  # plain text: markup in an article shows literally
        self.body.setObjectName("kb_article_body")
        self.body.setReadOnly(True)
        self.body.setPlaceholderText(self.tr("Open an article with Enter to read it here."))
        self.answer_button = QPushButton(self.tr("Use as the answer (Ctrl+I)"))
        self.answer_button.setObjectName("kb_use_answer")
        self.feedback_button = QPushButton(self.tr("Report an error in this article…"))
        self.feedback_button.setObjectName("kb_report_error")
        self.status = plain_label()
        self.status.setObjectName("kb_reader_status")
        self.status.setWordWrap(True)

        self.feedback_box = QFrame()
        self.feedback_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.feedback_text = QPlainTextEdit()
        self.feedback_text.setObjectName("kb_feedback_text")
        self.feedback_text.setPlaceholderText(self.tr(
            "What is wrong or out of date? The unit that owns the article receives this."))
        self.feedback_text.setTabChangesFocus(True)
        self.feedback_text.setMaximumHeight(90)
        self.feedback_error = FieldError()
        self.send_button = QPushButton(self.tr("Send report"))
        self.send_button.setObjectName("kb_send_feedback")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        box_layout = QVBoxLayout(self.feedback_box)
        box_layout.addWidget(self.feedback_text)
        box_layout.addWidget(self.feedback_error)
        box_buttons = QHBoxLayout()
        box_buttons.addStretch(1)
        box_buttons.addWidget(self.cancel_button)
        box_buttons.addWidget(self.send_button)
        box_layout.addLayout(box_buttons)
        self.feedback_box.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.feedback_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.stale_warning)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback_box)
        layout.addWidget(self.status)

        self.answer_button.clicked.connect(self.answer_requested)
        self.feedback_button.clicked.connect(self.open_feedback)
        self.send_button.clicked.connect(self._send_feedback)
        self.cancel_button.clicked.connect(self.close_feedback)
        self.show_article(None)

    def show_article(self, article: KbArticle | None, *, stale: bool = False) -> None:
        changed = article is None or self.article is None or article.id != self.article.id
        self.article = article
        self.title.setText(article.title if article else "")
        self.facts.setText(article_facts(article.unit, article.category, article.updated_at)
                           if article else "")
        self.stale_warning.setVisible(article is not None and stale)
        self.body.setPlainText(article.body if article else "")
        for button in (self.answer_button, self.feedback_button):
            button.setEnabled(article is not None)
        if changed:
            self.close_feedback()
            self.status.clear()

    def show_removed(self) -> None:
        """The article went away in a sync while it was open."""
        self.show_article(None)
        self.status.setText(self.tr("This article has been withdrawn from the knowledge base."))

    def open_feedback(self) -> None:
        if self.article is None:
            return
        self.feedback_box.show()
        self.feedback_text.setFocus()

    def close_feedback(self) -> None:
        self.feedback_text.clear()
        self.feedback_error.clear_message()
        self.feedback_box.hide()

    def feedback_sent(self) -> None:
        unit = self.article.unit if self.article and self.article.unit else ""
        self.close_feedback()
        self.status.setText(
            self.tr("Report kept; it is sent to %1 with the next sync.").replace("%1", unit)
            if unit else self.tr("Report kept; it is sent with the next sync."))

    def feedback_failed(self, message: str) -> None:
        self.feedback_error.show_message(message)

    def _send_feedback(self) -> None:
        text = self.feedback_text.toPlainText().strip()
        if not text:
            self.feedback_error.show_message(self.tr("Say what is wrong first."))
            return
        if len(text) > KB_FEEDBACK_MAX_CHARS:
            self.feedback_error.show_message(
                self.tr("At most %1 characters.").replace("%1", str(KB_FEEDBACK_MAX_CHARS)))
            return
        if self.article is not None:
            self.feedback_submitted.emit(self.article.id, text)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.feedback_box.isVisible():
            self.close_feedback()
            return
        super().keyPressEvent(event)
