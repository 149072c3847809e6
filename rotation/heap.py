"""Sparing the cyclic garbage collector passes over objects that a long phase only reads."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Leave every object alive now out of the collector's passes until the block ends.

    Writing a workbook reads the roster, its eligibility and the plan (hundreds of thousands of
    objects) while xlsxwriter allocates an object a cell, so the collector's full passes traverse
    the former again and again. Frozen (gc.freeze) they are skipped, and once the block ends they
    are collected as usual again (gc.unfreeze; an inner block's end unfreezes the outer's too,
    which costs time, never memory). The plan export of a generated city: 2.5 s instead of 2.85 s
    (medians of 3 runs in alternation), the same workbook and peak memory.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
