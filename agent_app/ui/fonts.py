"""Checks that Chinese text can be drawn, and names the package that fixes it when it cannot."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFontDatabase

CJK_PACKAGE_HINT = "fonts-noto-cjk"


def has_cjk_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def missing_font_message() -> str:
    # Deliberately untranslated: without a CJK font a Chinese message would itself be boxes.
    if sys.platform.startswith("linux"):
        return (f"No Chinese font is installed, so Chinese text would show as boxes. "
                f"Install the Debian package {CJK_PACKAGE_HINT} "
                f"(sudo apt-get install {CJK_PACKAGE_HINT}) and restart.")
    return "No Chinese font is installed, so Chinese text would show as boxes."
