"""Charts of the reports screen: tickets by category (level 1) and the two satisfaction rates
of each unit of the group on show, as horizontal bar charts painted with QPainter.

Drawn here rather than by a plotting library: two bar charts do not justify numpy and its
BLAS in the installer (about 40 MB), and text painted with drawText is always plain text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QWidget

if TYPE_CHECKING:
    from agent_app.core.reports import MonthlyReport, UnitRow

RESULT_COLOUR = QColor("#2e86c1")
PROCESS_COLOUR = QColor("#f39c12")
VOLUME_COLOUR = QColor("#16a085")
MAX_UNITS_SHOWN = 15  # those with the lowest result satisfaction: who needs attention
MAX_LABEL_SHARE = 0.4  # of the chart's width; longer names are elided in the middle
PADDING = 6.0


@dataclass(frozen=True)
class Series:
    name: str
    colour: QColor
    values: Sequence[float]


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving about `ticks` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


class BarChart(QWidget):
    """Rows of horizontal bars, one per series, labelled on the left; the value axis runs
    from 0 to `maximum` (fixed, e.g. 100 for percentages) or to a round number above the
    largest value."""

    def __init__(self, title: str, *, maximum: float | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.maximum = maximum
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.setAccessibleName(title)
        self.setMinimumSize(240, 160)

    def set_data(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        if any(len(s.values) != len(labels) for s in series):
            raise ValueError("every series needs one value per label")
        self.labels = list(labels)
        self.series = list(series)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 300)

    def axis_end(self) -> tuple[float, float]:
        """The value axis's end and its tick step."""
        if self.maximum is not None:
            return self.maximum, nice_step(self.maximum)
        largest = max((v for s in self.series for v in s.values), default=0.0)
        step = nice_step(largest or 1.0)
        return max(step, math.ceil(largest / step) * step), step

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text_colour = palette.color(QPalette.ColorRole.Text)
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(PADDING, PADDING, -PADDING, -PADDING)

        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        painter.drawText(QRectF(area.left(), area.top(), area.width(), line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        painter.setFont(self.font())
        self._paint_legend(painter, metrics, QRectF(area.left(), area.top(), area.width(), line))
        top = area.top() + line + PADDING
        if not self.labels or not self.series:
            return

        label_width = min(max(metrics.horizontalAdvance(label) for label in self.labels),
                          area.width() * MAX_LABEL_SHARE)
        plot = QRectF(area.left() + label_width + PADDING, top,
                      area.width() - label_width - PADDING - metrics.horizontalAdvance("100%"),
                      area.bottom() - top - line - 2)
        end, step = self.axis_end()
        self._paint_axis(painter, metrics, plot, end, step)

        band = plot.height() / len(self.labels)
        bar = band * 0.8 / len(self.series)
        for row, label in enumerate(self.labels):
            y = plot.top() + row * band
            painter.setPen(text_colour)
            painter.drawText(QRectF(area.left(), y, label_width, band),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(label, Qt.TextElideMode.ElideMiddle,
                                                label_width))
            for index, series in enumerate(self.series):
                value = series.values[row]
                bar_top = y + band * 0.1 + index * bar
                width = plot.width() * min(max(value, 0.0), end) / end
                painter.fillRect(QRectF(plot.left(), bar_top, width, bar), series.colour)
                if bar >= line * 0.7:  # the value beside its bar where there is room
                    painter.setPen(text_colour)
                    painter.drawText(QRectF(plot.left() + width + 3, bar_top,
                                            metrics.horizontalAdvance("100.0%"), bar),
                                     Qt.AlignmentFlag.AlignVCenter, _number(value))

    def _paint_legend(self, painter: QPainter, metrics: QFontMetricsF, band: QRectF) -> None:
        if len(self.series) < 2:
            return
        x = band.right()
        for series in reversed(self.series):
            text_width = metrics.horizontalAdvance(series.name)
            x -= text_width
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            painter.drawText(QRectF(x, band.top(), text_width, band.height()),
                             Qt.AlignmentFlag.AlignVCenter, series.name)
            swatch = band.height() * 0.6
            x -= swatch + 4
            painter.fillRect(QRectF(x, band.center().y() - swatch / 2, swatch, swatch),
                             series.colour)
            x -= 12

    def _paint_axis(self, painter: QPainter, metrics: QFontMetricsF, plot: QRectF,
                    end: float, step: float) -> None:
        grid = self.palette().color(QPalette.ColorRole.Mid)
        grid.setAlpha(90)
        ticks = round(end / step)
        for tick in range(ticks + 1):
            value = tick * step
            x = plot.left() + plot.width() * value / end
            painter.setPen(grid)
            painter.drawLine(int(x), int(plot.top()), int(x), int(plot.bottom()))
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            text = _number(value)
            width = metrics.horizontalAdvance(text)
            painter.drawText(QRectF(x - width / 2, plot.bottom() + 2, width, metrics.height()),
                             Qt.AlignmentFlag.AlignCenter, text)


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


class ReportCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.volume = BarChart(self.tr("Tickets by category"))
        self.volume.setObjectName("category_volume_chart")
        self.satisfaction = BarChart(self.tr("Satisfaction per unit (%)"), maximum=100)
        self.satisfaction.setObjectName("unit_satisfaction_chart")
        layout.addWidget(self.volume, 2)
        layout.addWidget(self.satisfaction, 3)

    @property
    def volume_labels(self) -> list[str]:
        return self.volume.labels

    @property
    def satisfaction_units(self) -> list[str]:
        return self.satisfaction.labels

    def show_report(self, report: MonthlyReport | None, group: str | None) -> None:
        rows = list(report.categories) if report is not None else []  # largest first
        self.volume.set_data([row.key[0] for row in rows],
                             [Series(self.tr("Tickets"), VOLUME_COLOUR,
                                     [float(row.count) for row in rows])])
        units = report.units_in(group) if report is not None and group is not None else []
        self._show_satisfaction(units)

    def _show_satisfaction(self, units: list[UnitRow]) -> None:
        rated = [u for u in units
                 if u.result_satisfaction is not None or u.process_satisfaction is not None]
        # The lowest result satisfaction first: who needs attention; units whose results
        # were not surveyed after them.
        rated.sort(key=lambda u: (u.result_satisfaction is None, u.result_satisfaction or 0,
                                  u.unit))
        rated = rated[:MAX_UNITS_SHOWN]
        self.satisfaction.set_data(
            [u.unit for u in rated],
            [Series(self.tr("Result"), RESULT_COLOUR,
                    [u.result_satisfaction or 0.0 for u in rated]),
             Series(self.tr("Process"), PROCESS_COLOUR,
                    [u.process_satisfaction or 0.0 for u in rated])])
