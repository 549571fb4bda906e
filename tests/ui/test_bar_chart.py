"""The reports screen's bar chart: a round value axis, data checked, labels painted."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from agent_app.ui.reports.charts import BarChart, Series, nice_step


@pytest.mark.parametrize(("span", "step"), [(310, 100), (100, 20), (7, 2), (0.4, 0.1), (0, 1)])
def test_steps_are_one_two_or_five_times_a_power_of_ten(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_the_axis_ends_at_a_round_number_above_the_largest_value(qtbot):
    chart = BarChart("件数")
    qtbot.addWidget(chart)
    chart.set_data(["城市管理", "公共服务"], [Series("件数", QColor("green"), [310.0, 293.0])])
    assert chart.axis_end() == (400, 100)
    percent = BarChart("满意率", maximum=100)
    qtbot.addWidget(percent)
    assert percent.axis_end() == (100, 20)


def test_a_series_without_a_value_per_label_is_refused(qtbot):
    chart = BarChart("件数")
    qtbot.addWidget(chart)
    with pytest.raises(ValueError):
        chart.set_data(["城市管理", "公共服务"], [Series("件数", QColor("green"), [1.0])])


def test_labels_and_bars_are_painted(qtbot):
    chart = BarChart("件数")
    qtbot.addWidget(chart)
    chart.resize(400, 240)
    empty = chart.grab().toImage()
    chart.set_data(["城市管理"], [Series("件数", QColor("#16a085"), [5.0])])
    painted = chart.grab().toImage()
    assert painted != empty
    # The bar's colour is on the canvas, half-way up the plot.
    colours = {painted.pixelColor(x, painted.height() // 2).name()
               for x in range(painted.width())}
    assert "#16a085" in colours
