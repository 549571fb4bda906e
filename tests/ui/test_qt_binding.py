"""The Qt binding must not leak or drop references in calls the screens make all day."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_void_calls_keep_the_reference_count_of_none(qapp):
    """PySide6 6.12.0 decremented None on each call returning nothing: an operator's form
    would crash the app after a few thousand edits."""
    line, combo = QLineEdit(), QComboBox()
    combo.addItem("a", "a")
    before = sys.getrefcount(None)
    for n in range(500):
        line.setText(str(n))
        combo.setCurrentIndex(0)
        combo.addItem("b", "b")
        combo.removeItem(1)
    assert abs(sys.getrefcount(None) - before) < 100
