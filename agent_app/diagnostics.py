"""Export diagnostics: one zip IT can ask an operator for, holding the logs, the version and
the settings, with phone numbers and tokens masked. Qt-free, so the command line and the Help
menu share it."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
import zipfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from agent_app import __version__
from agent_app.core.masking import mask_sensitive_text
from agent_app.logging_setup import LOG_FILENAME
from agent_app.paths import system_config_file
from agent_app.settings import load_settings
from agent_app.storage.database import DB_FILENAME, stored_revision


def export_diagnostics(target: Path, *, data_dir: Path, log_dir: Path | None,
                       now: datetime | None = None) -> Path:
    """Write the zip to `target` (whole or not at all) and return its path.

    Raises OSError when `target` cannot be written (read-only folder, full disk).
    """
    entries = {
        "about.json": _json(_about(data_dir, log_dir, now or datetime.now().astimezone())),
        "settings.json": _json(_settings(data_dir)),
    }
    if log_dir is not None:
        # Oldest first: agent-app.log.4 … agent-app.log.1, agent-app.log.
        for log_file in sorted(log_dir.glob(f"{LOG_FILENAME}*"), reverse=True):
            text = log_file.read_text(encoding="utf-8", errors="replace")
            entries[f"logs/{log_file.name}"] = mask_sensitive_text(text)
    partial = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in entries.items():
                archive.writestr(name, text)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _about(data_dir: Path, log_dir: Path | None, now: datetime) -> dict[str, Any]:
    database = data_dir / DB_FILENAME
    try:
        revision = stored_revision(database)
    except sqlite3.Error as exc:
        revision = f"unreadable: {exc}"
    config = system_config_file()
    return {
        "version": __version__,
        "exported_at": now.isoformat(timespec="seconds"),
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "data_dir": str(data_dir),
        "log_dir": str(log_dir) if log_dir else None,
        "database_bytes": database.stat().st_size if database.exists() else None,
        "database_revision": revision,
        "system_config": str(config),
        "system_config_present": config.is_file(),
        "qt_platform": os.environ.get("QT_QPA_PLATFORM"),
    }


def _settings(data_dir: Path) -> dict[str, Any]:
    values = asdict(load_settings(data_dir))
    return {key: _clean(value) for key, value in values.items()}


def _clean(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme and "@" in parts.netloc:
        # Credentials in a URL (https://user:pass@host) stay out of the archive.
        parts = parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1])
        value = urlunsplit(parts)
    return mask_sensitive_text(value)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
