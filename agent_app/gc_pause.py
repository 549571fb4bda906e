"""Pausing Python's cyclic garbage collector around bulk work.

A month's report makes hundreds of thousands of small acyclic objects (events, times,
tuples). Reference counting frees them all the same; the cyclic collector would only walk
them again and again as they pile up, a quarter of the report's time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
