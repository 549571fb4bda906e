"""The full knowledge-base screen: the panel's pieces side by side, for looking things up
outside a call; the answer key copies the article for pasting elsewhere."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from agent_app.tasks import TaskRunner
from agent_app.ui.kb.panel import ANSWER_KEY, KbPanel


class KbScreen(QWidget):
    def __init__(self, tasks: TaskRunner, *, stale_after_days: int | None = None,
                 can_veto: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = KbPanel(tasks, orientation=Qt.Orientation.Horizontal,
                             stale_after_days=stale_after_days, can_veto=can_veto)
        self.panel.reader.answer_button.setText(
            self.tr("Copy the answer (%1)").replace("%1", ANSWER_KEY))
        self.panel.splitter.setStretchFactor(0, 2)
        self.panel.splitter.setStretchFactor(1, 3)
        self.panel.answer_chosen.connect(self._copy_answer)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)

    def shortcut_help(self) -> list[tuple[str, str]]:
        navigation, _answer = self.panel.shortcut_help()
        return [navigation, (ANSWER_KEY, self.tr("KB: copy the article's answer"))]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.panel.focus_search()

    def _copy_answer(self, _article_id: str, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.panel.reader.status.setText(self.tr("Answer copied."))
