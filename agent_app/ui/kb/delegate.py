"""Draws one search hit: title, facts line (with the stale mark) and the snippet with its
matched spans highlighted.

The highlight is built from the hit's character spans with QTextLayout formats; nothing in an
article is ever parsed as markup, so `<b>` in an article shows as the four characters it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from agent_app.search import KbHit
from agent_app.ui.kb.model import HIT_ROLE, META_ROLE, STALE_ROLE, stale_label

_Index = QModelIndex | QPersistentModelIndex

PADDING = 6
SNIPPET_LINES = 2
HIGHLIGHT_BACKGROUND = QColor("#ffe58f")
STALE_COLOUR = QColor("#d35400")


def highlight_ranges(text: str, spans: Iterable[tuple[int, int]],
                     char_format: QTextCharFormat) -> list[QTextLayout.FormatRange]:
    """(start, end) character spans as layout formats; spans outside the text are clipped."""
    ranges: list[QTextLayout.FormatRange] = []
    for start, end in spans:
        start, end = max(0, start), min(len(text), end)
        if end > start:
            format_range = QTextLayout.FormatRange()
            format_range.start = start
            format_range.length = end - start
            format_range.format = char_format
            ranges.append(format_range)
    return ranges


class KbHitDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        hit: KbHit | None = index.data(HIT_ROLE)
        if hit is None:
            super().paint(painter, option, index)
            return
        # The style draws the row's background and selection; the text is ours.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)

        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        rect: QRect = option.rect.adjusted(PADDING, PADDING // 2,  # type: ignore[attr-defined]
                                           -PADDING, -PADDING // 2)
        base_font = QFont(option.font)  # type: ignore[attr-defined]
        painter.save()
        try:
            y = rect.top()
            y = self._draw_line(painter, rect, y, hit.title, _bold(base_font), text_colour)
            facts = index.data(META_ROLE) or ""
            facts_font = _smaller(base_font)
            facts_colour = text_colour if selected else palette.color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            if index.data(STALE_ROLE):
                stale = f"⚠ {stale_label()}"
                width = QFontMetrics(facts_font).horizontalAdvance(stale) + PADDING
                self._draw_line(painter, QRect(rect.right() - width, y, width, rect.height()),
                                y, stale, facts_font, text_colour if selected else STALE_COLOUR)
                facts_rect = rect.adjusted(0, 0, -width, 0)
            else:
                facts_rect = rect
            y = self._draw_line(painter, facts_rect, y, facts, facts_font, facts_colour)
            self._draw_snippet(painter, rect, y, hit, base_font, text_colour)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        font = QFont(option.font)  # type: ignore[attr-defined]
        height = (line_height(_bold(font)) + line_height(_smaller(font))
                  + SNIPPET_LINES * line_height(font) + PADDING)
        return QSize(200, height)

    @staticmethod
    def _draw_line(painter: QPainter, rect: QRect, y: int, text: str, font: QFont,
                   colour: QColor) -> int:
        height = line_height(font)
        painter.setFont(font)
        painter.setPen(colour)
        line = QRect(rect.left(), y, rect.width(), height)
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight,
                                                       rect.width()))
        return y + height

    @staticmethod
    def _draw_snippet(painter: QPainter, rect: QRect, y: int, hit: KbHit, font: QFont,
                      colour: QColor) -> None:
        # One line per newline would waste the two lines there are.
        text = hit.snippet.replace("\n", " ")
        marked = QTextCharFormat()
        marked.setBackground(HIGHLIGHT_BACKGROUND)
        marked.setForeground(QColor("#000000"))  # readable on the yellow, selected or not
        marked.setFontWeight(QFont.Weight.Bold)
        layout = QTextLayout(text, font)
        layout.setFormats(highlight_ranges(text, hit.highlights, marked))
        layout.beginLayout()
        height = 0.0
        for _ in range(SNIPPET_LINES):
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(rect.width())
            line.setPosition(QPointF(0, height))
            height += line.height()
        layout.endLayout()
        painter.setPen(colour)
        painter.setClipRect(rect)
        layout.draw(painter, QPointF(rect.left(), y))


def line_height(font: QFont) -> int:
    """The height of a line of Chinese: Han characters come from the CJK fallback font,
    whose lines are taller than the primary font's metrics say."""
    layout = QTextLayout("汉A", font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    return max(QFontMetrics(font).lineSpacing(), math.ceil(line.height()))


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def _smaller(font: QFont) -> QFont:
    smaller = QFont(font)
    if font.pointSizeF() > 0:
        smaller.setPointSizeF(font.pointSizeF() * 0.9)
    return smaller
