"""A stand-in for the OS keyring that a child process (the `agent-app` CLI) shares with the
test: entries in a JSON file named by $HOTLINE_TEST_KEYRING, kept outside the data folder as
the real keyring is (Secret Service, Windows Credential Manager).

In-process tests pass `FileKeyring(path)` to `TokenStore`; a child selects it with the
environment of `child_env`, the way keyring lets anyone choose a backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

ENV = "HOTLINE_TEST_KEYRING"
BACKEND = "tests.os_keyring.FileKeyring"
NO_KEYRING = "keyring.backends.fail.Keyring"  # what a bare Linux session (or CI) has
ROOT = Path(__file__).resolve().parents[1]


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path or Path(os.environ[ENV])

    def _items(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, items: dict[str, str]) -> None:
        self.path.write_text(json.dumps(items), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._items().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._write({**self._items(), f"{service}\n{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        items = self._items()
        items.pop(f"{service}\n{username}", None)
        self._write(items)


def child_env(keyring_file: Path | None, backend: str = BACKEND) -> dict[str, str]:
    """The environment of an `agent-app` child using this keyring (or `backend`)."""
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = backend
    if keyring_file is not None:
        env[ENV] = str(keyring_file)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env
