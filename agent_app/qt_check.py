"""Explains a Qt that cannot start in terms of the Debian package that fixes it.

Qt-free on purpose: it runs before PySide6 is imported, because a missing xcb library makes
Qt abort the process instead of raising.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys

# Shared libraries PySide6-Essentials loads on Debian-based desktops, and their packages.
LIBRARY_PACKAGES: dict[str, str] = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
}

# What the xcb platform plugin needs beyond the core libraries; checked before QApplication.
XCB_LIBRARIES = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                 "libxcb-shape.so.0", "libxkbcommon-x11.so.0", "libX11-xcb.so.1")

_MISSING_LIB_RE = re.compile(r"(lib[\w.+-]+\.so(?:\.\d+)*)")


def package_hint(library: str) -> str:
    package = LIBRARY_PACKAGES.get(library)
    if package is None:
        return f"The system library {library} is missing."
    return (f"The system library {library} is missing: install the Debian package {package} "
            f"(sudo apt-get install {package}).")


def explain_import_error(exc: ImportError) -> str:
    match = _MISSING_LIB_RE.search(str(exc))
    if match:
        return package_hint(match.group(1))
    return f"Qt (PySide6) cannot be loaded: {exc}"


def missing_xcb_libraries() -> list[str]:
    """Libraries the X11 platform plugin will fail on; empty when not using X11."""
    if not sys.platform.startswith("linux"):
        return []
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return []
    if not platform and not os.environ.get("DISPLAY"):
        return []
    missing = []
    for library in XCB_LIBRARIES:
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(library)
    return missing
