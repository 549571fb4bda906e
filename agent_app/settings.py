"""Typed settings: one registry with defaults and upgrade steps. Secrets never go here."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SETTINGS_FILENAME = "settings.json"
SCHEMA_VERSION = 1


@dataclass
class Settings:
    server_url: str = "https://12345.example.gov.cn"
    ca_bundle: str = ""  # empty: the system's trust store
    language: str = "zh_CN"
    last_username: str = ""
    # Not secret, kept so an operator can start offline with the profile of the last sign-in.
    last_display_name: str = ""
    last_role: str = ""
    stale_article_days: int = 365
    health_check_seconds: int = 15


# UPGRADES[n] turns a version-n document into version n+1; add one whenever a key is renamed
# or its meaning changes, and bump SCHEMA_VERSION.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / SETTINGS_FILENAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("settings unreadable, using defaults: %s", exc)
        return Settings()
    version = int(raw.pop("schema_version", 1))
    while version < SCHEMA_VERSION:
        raw = UPGRADES[version](raw)
        version += 1
    # Unknown keys (from a newer release) and values of the wrong type fall back to defaults.
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    defaults = Settings()
    for key, value in raw.items():
        if key in known and isinstance(value, type(getattr(defaults, key))):
            values[key] = value
    return Settings(**values)


def save_settings(data_dir: Path, settings: Settings) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SETTINGS_FILENAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, **asdict(settings)},
                              ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
