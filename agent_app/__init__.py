"""12345 hotline agent desktop client."""

__version__ = "0.1.0"
