"""rotation/heap.py: the objects alive when a workbook is written are spared the collector's passes."""

from __future__ import annotations

import gc

from rotation.heap import long_lived


def test_objects_alive_are_frozen_during_the_block_and_collected_as_usual_after() -> None:
    kept = [object() for _ in range(1000)]
    with long_lived():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_the_heap_is_unfrozen_when_the_block_fails() -> None:
    try:
        with long_lived():
            raise RuntimeError("a writer fails")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0
