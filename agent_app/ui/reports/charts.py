"""Charts of the reports screen, drawn by pyqtgraph: tickets by category (level 1) and the
two satisfaction rates of each unit of the group on show.

pyqtgraph costs a few hundred milliseconds to import, so it is imported when the screen is
first shown (`build`), never at application start (cold start budget: 1 s)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QWidget

if TYPE_CHECKING:
    import pyqtgraph

    from agent_app.core.reports import MonthlyReport, UnitRow

RESULT_COLOUR = "#2e86c1"
PROCESS_COLOUR = "#f39c12"
VOLUME_COLOUR = "#16a085"
BAR = 0.38  # two bars per unit side by side
MAX_UNITS_SHOWN = 15  # those with the lowest result satisfaction: who needs attention


class ReportCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.volume: pyqtgraph.PlotWidget | None = None
        self.satisfaction: pyqtgraph.PlotWidget | None = None
        self.volume_labels: list[str] = []
        self.satisfaction_units: list[str] = []
        self._legend_added = False

    @property
    def built(self) -> bool:
        return self.volume is not None

    def build(self) -> None:
        if self.built:
            return
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background="w", foreground="k")
        self.volume = pg.PlotWidget()
        self.volume.setObjectName("category_volume_chart")
        self.volume.setTitle(self.tr("Tickets by category"))
        self.satisfaction = pg.PlotWidget()
        self.satisfaction.setObjectName("unit_satisfaction_chart")
        self.satisfaction.setTitle(self.tr("Satisfaction per unit (%)"))
        self.satisfaction.setXRange(0, 100)
        for plot in (self.volume, self.satisfaction):
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(x=True, y=False, alpha=0.3)
        self._layout.addWidget(self.volume, 2)
        self._layout.addWidget(self.satisfaction, 3)

    def show_report(self, report: MonthlyReport | None, group: str | None) -> None:
        if not self.built:
            return
        self._show_volume(report)
        units = report.units_in(group) if report is not None and group is not None else []
        self._show_satisfaction(units)

    def _show_volume(self, report: MonthlyReport | None) -> None:
        import pyqtgraph as pg

        assert self.volume is not None
        self.volume.clear()
        rows = list(reversed(report.categories)) if report is not None else []  # largest on top
        self.volume_labels = [row.key[0] for row in rows]
        if rows:
            self.volume.addItem(pg.BarGraphItem(
                x0=0, y=list(range(len(rows))), height=0.7, width=[row.count for row in rows],
                brush=VOLUME_COLOUR, pen=None))
        _label_rows(self.volume, self.volume_labels)

    def _show_satisfaction(self, units: list[UnitRow]) -> None:
        import pyqtgraph as pg

        assert self.satisfaction is not None
        self.satisfaction.clear()
        rated = [u for u in units
                 if u.result_satisfaction is not None or u.process_satisfaction is not None]
        # The lowest result satisfaction on top (the last rows): who needs attention.
        rated.sort(key=lambda u: (-(u.result_satisfaction or 0), u.unit))
        rated = rated[-MAX_UNITS_SHOWN:]
        self.satisfaction_units = [u.unit for u in rated]
        if rated:
            positions = list(range(len(rated)))
            if not self._legend_added:
                # Top left, over the row left free for it above the bars.
                self.satisfaction.addLegend(offset=(10, 2), colCount=2)
                self._legend_added = True
            for offset, colour, name, values in (
                    (BAR / 2, RESULT_COLOUR, self.tr("Result"),
                     [u.result_satisfaction or 0 for u in rated]),
                    (-BAR / 2, PROCESS_COLOUR, self.tr("Process"),
                     [u.process_satisfaction or 0 for u in rated])):
                bars = pg.BarGraphItem(x0=0, y=[p + offset for p in positions], height=BAR,
                                       width=values, brush=colour, pen=None, name=name)
                self.satisfaction.addItem(bars)
        self.satisfaction.setXRange(0, 100)
        _label_rows(self.satisfaction, self.satisfaction_units, headroom=1)


def _label_rows(plot: Any, labels: list[str], headroom: int = 0) -> None:
    axis = plot.getAxis("left")
    axis.setTicks([[(i, label) for i, label in enumerate(labels)]])
    plot.setYRange(-0.6, max(len(labels), 1) - 0.4 + headroom, padding=0)
