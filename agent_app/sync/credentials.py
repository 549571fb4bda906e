"""Session tokens live in the OS keyring only; without a keyring they live in memory only.

Never written to disk by us: with no keyring backend (a bare Linux session, CI) the user is
simply asked to sign in again at the next start.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

# keyring (a third of a second to import) is loaded by the first TokenStore: the GUI imports
# this module before its first paint, and needs a token only after it.
if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "hotline-agent"


def _entry(server_url: str, username: str) -> str:
    return f"{username}@{server_url.rstrip('/')}"


class TokenStore:
    def __init__(self, backend: KeyringBackend | None = None) -> None:
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        self._backend = backend
        self._memory: dict[str, str] = {}

    @property
    def persistent(self) -> bool:
        """False when tokens cannot survive a restart (no usable keyring backend)."""
        return self._backend.priority > 0 and not _is_fail_backend(self._backend)

    def save(self, server_url: str, username: str, token: str) -> None:
        key = _entry(server_url, username)
        self._memory[key] = token
        if not self.persistent:
            return
        import keyring.errors

        try:
            self._backend.set_password(SERVICE, key, token)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring refused the token; it is kept in memory only: %s", exc)

    def load(self, server_url: str, username: str) -> str | None:
        key = _entry(server_url, username)
        if key in self._memory:
            return self._memory[key]
        if not self.persistent:
            return None
        import keyring.errors

        try:
            return self._backend.get_password(SERVICE, key)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring could not be read: %s", exc)
            return None

    def delete(self, server_url: str, username: str) -> None:
        key = _entry(server_url, username)
        self._memory.pop(key, None)
        if not self.persistent:
            return
        import keyring.errors

        try:
            self._backend.delete_password(SERVICE, key)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            log.warning("keyring could not delete the token: %s", exc)


def _is_fail_backend(backend: KeyringBackend) -> bool:
    return type(backend).__module__.startswith("keyring.backends.fail")
