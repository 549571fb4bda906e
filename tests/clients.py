"""API clients for tests against a real central API on loopback."""

from __future__ import annotations

from agent_app.sync.client import CentralClient


def signed_in(url: str, username: str = "op01", password: str = "demo") -> CentralClient:
    """Signed in as one of the demo users; one quick retry, no long back-off."""
    client = CentralClient(url, retries=1, backoff=0.01)
    client.token = client.login(username, password).token
    return client
