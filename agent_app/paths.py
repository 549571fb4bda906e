"""Where the application finds its shipped resources and keeps its data."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "hotline-agent"
APP_AUTHOR = "hotline12345"


def project_root() -> Path:
    """Root holding `resources/` and `migrations/`: the bundle dir when frozen, else the repo."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def migrations_dir() -> Path:
    return project_root() / "migrations"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
