"""Where the application finds its shipped resources and keeps its data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "hotline-agent"
APP_AUTHOR = "hotline12345"
# Tests and unusual installs point the machine-wide config file elsewhere.
SYSTEM_CONFIG_ENV = "AGENT_APP_SYSTEM_CONFIG"


def project_root() -> Path:
    """Root holding `resources/` and `migrations/`: the bundle dir when frozen, else the repo."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


# Where a wheel install (`pip install .[server]`) puts resources/: data files under the
# environment's prefix (pyproject.toml, [tool.setuptools.data-files]).
INSTALLED_RESOURCES = ("share", APP_NAME, "resources")


def resources_dir() -> Path:
    """The checkout's or the bundle's resources/, else the ones a wheel install put under the
    environment's prefix."""
    beside = project_root() / "resources"
    if beside.is_dir():
        return beside
    installed = Path(sys.prefix).joinpath(*INSTALLED_RESOURCES)
    return installed if installed.is_dir() else beside


def migrations_dir() -> Path:
    return project_root() / "migrations"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def system_config_file() -> Path:
    """The machine-wide config IT installs (server URL, CA bundle); user settings override it.

    Linux: /etc/agent-app/config.toml (a conffile of the Debian package); Windows:
    %ProgramData%\\hotline12345\\hotline-agent\\config.toml (written by the installer).
    """
    override = os.environ.get(SYSTEM_CONFIG_ENV)
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):
        return Path("/etc/agent-app/config.toml")
    return Path(platformdirs.site_config_dir(APP_NAME, APP_AUTHOR)) / "config.toml"
