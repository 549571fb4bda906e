"""The central API in a background thread: for `agent-app --demo` and for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import uvicorn
from fastapi import FastAPI

from central_api.app import create_app
from central_api.epochs import note_high_water
from central_api.limits import ServerLimits
from central_api.simulator import UnitSimulator


@dataclass
class EmbeddedServer:
    server: uvicorn.Server
    thread: threading.Thread
    url: str
    simulator: UnitSimulator | None = None

    def stop(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        engine = cast(FastAPI, self.server.config.app).state.engine
        note_high_water(engine)
        engine.dispose()


def start_embedded(db_url: str, *, host: str = "127.0.0.1", port: int = 0,
                   seed_demo_users: bool = False,
                   demo_tickets: Sequence[Mapping[str, Any]] = (),
                   demo_articles: Sequence[Mapping[str, Any]] = (),
                   simulate_units: bool = False,
                   startup_timeout: float = 20.0,
                   ssl_certfile: str | None = None,
                   ssl_keyfile: str | None = None,
                   server_limits: ServerLimits | None = None) -> EmbeddedServer:
    """`ssl_certfile` (with `ssl_keyfile`, unless the key is in the same file) serves HTTPS."""
    app = create_app(db_url, seed_demo_users=seed_demo_users, demo_tickets=demo_tickets,
                     demo_articles=demo_articles, server_limits=server_limits)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                            ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
    server = uvicorn.Server(config)
    # Signal handlers belong to the main thread, which is the GUI's (or pytest's); uvicorn
    # (0.29 and later) installs none when it runs in another thread.
    thread = threading.Thread(target=server.run, name="central-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the embedded central API did not start")
        time.sleep(0.01)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    simulator = UnitSimulator(app.state.sessions) if simulate_units else None
    if simulator is not None:
        simulator.start()
    scheme = "https" if ssl_certfile else "http"
    return EmbeddedServer(server, thread, f"{scheme}://{host}:{bound_port}", simulator)
