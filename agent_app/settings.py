"""Typed settings: one registry with defaults and upgrade steps. Secrets never go here.

Three layers, each over the one before: the defaults below, the machine-wide config file IT
installs (`paths.system_config_file()`, TOML), and the user's settings.json. The user's file
keeps only what differs from the layers under it, so a server URL IT changes later reaches
every user who did not choose another one.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from agent_app.paths import system_config_file
from agent_app.private_files import create_private_file, private_dir

log = logging.getLogger(__name__)

SETTINGS_FILENAME = "settings.json"
SCHEMA_VERSION = 2
# Who signed in last is a fact about one user, not something a machine-wide file may set.
USER_ONLY = frozenset({"last_username", "last_display_name", "last_role"})


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
    # IT's choice, read from the machine-wide file only: encrypt the local cache (SQLCipher,
    # key in the OS keyring). Off by default; see the README for the measured cost.
    encrypt_cache: bool = False


# UPGRADES[n] turns a version-n document into version n+1; add one whenever a key is renamed
# or its meaning changes, and bump SCHEMA_VERSION.
# Version 1 wrote every key, so its defaults would hide the machine-wide file for good.
_V1_DEFAULTS = {"server_url": "https://12345.example.gov.cn", "ca_bundle": "",
                "language": "zh_CN", "last_username": "", "last_display_name": "",
                "last_role": "", "stale_article_days": 365, "health_check_seconds": 15}


def _drop_v1_defaults(raw: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in raw.items()
            if key not in _V1_DEFAULTS or value != _V1_DEFAULTS[key]}


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _drop_v1_defaults}


# Beyond these a number breaks what uses it (a timedelta, a Qt timer) or spins a loop.
_INT_RANGES = {"stale_article_days": (1, 36_500), "health_check_seconds": (1, 86_400)}
# A NUL or an unpaired surrogate ("\ud800" in JSON) could not be written back as UTF-8.
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")


def _overlay(base: Settings, raw: Mapping[str, Any]) -> Settings:
    """`base` with the known keys of `raw` laid over it; unknown keys (from a newer release)
    and values of the wrong type or out of range keep the value underneath."""
    known = {f.name for f in fields(Settings)}
    values = {key: value for key, value in raw.items()
              if key in known and _acceptable(key, value, getattr(base, key))}
    return replace(base, **values)


def _acceptable(key: str, value: Any, default: Any) -> bool:
    if type(value) is not type(default):
        return False
    if isinstance(value, str):
        return not _UNWRITABLE.search(value)
    if isinstance(value, int) and key in _INT_RANGES:
        low, high = _INT_RANGES[key]
        return low <= value <= high
    return True


def system_settings(path: Path | None = None) -> Settings:
    """The defaults with the machine-wide config file laid over them."""
    path = path or system_config_file()
    try:
        # utf-8-sig: Windows tools (the installer, Notepad) may start the file with a BOM.
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        log.warning("system config %s unreadable, ignored: %s", path, exc)
        return Settings()
    return _overlay(Settings(), {k: v for k, v in raw.items() if k not in USER_ONLY})


def load_settings(data_dir: Path, system_config: Path | None = None) -> Settings:
    base = system_settings(system_config)
    path = data_dir / SETTINGS_FILENAME
    try:
        # utf-8-sig: saved again by Notepad, the file may start with a BOM.
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return base
    except (OSError, ValueError, RecursionError) as exc:
        # ValueError: not UTF-8, not JSON, or an integer of thousands of digits.
        log.warning("settings unreadable, using defaults: %s", exc)
        return base
    version = raw.pop("schema_version", 1) if isinstance(raw, dict) else None
    if type(version) is not int or version < 1:
        log.warning("settings unreadable (not an object with a schema version), using "
                    "defaults")
        return base
    while version < SCHEMA_VERSION:
        raw = UPGRADES[version](raw)
        version += 1
    return _overlay(base, raw)


def save_settings(data_dir: Path, settings: Settings, system_config: Path | None = None) -> None:
    """Writes what differs from the defaults and the machine-wide file."""
    base = asdict(system_settings(system_config))
    own = {key: value for key, value in asdict(settings).items() if value != base[key]}
    private_dir(data_dir)
    path = data_dir / SETTINGS_FILENAME
    tmp = path.with_suffix(".tmp")
    create_private_file(tmp)
    tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, **own},
                              ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
