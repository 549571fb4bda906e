from keyring.backend import KeyringBackend
from keyring.backends import fail

from agent_app.sync.credentials import TokenStore


class MemoryKeyring(KeyringBackend):
    """Stands in for the OS keyring (which we do not own)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


def test_tokens_go_to_the_keyring_and_survive_a_new_store():
    backend = MemoryKeyring()
    TokenStore(backend).save("https://h.example/", "op01", "secret-token")
    assert TokenStore(backend).load("https://h.example", "op01") == "secret-token"
    TokenStore(backend).delete("https://h.example", "op01")
    assert TokenStore(backend).load("https://h.example", "op01") is None


def test_without_a_keyring_tokens_live_in_memory_only():
    store = TokenStore(fail.Keyring())
    assert not store.persistent
    store.save("https://h.example", "op01", "secret-token")
    assert store.load("https://h.example", "op01") == "secret-token"
    assert TokenStore(fail.Keyring()).load("https://h.example", "op01") is None
