"""Demo data and the `--demo` runtime. Qt-free."""

from agent_app.demo.generate import generate_demo_tickets

__all__ = ["generate_demo_tickets"]
