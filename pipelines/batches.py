"""Work cut into batches: messages of N ids, statements of N bound parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """`items` in consecutive lists of `size` (the last one shorter); nothing for no items.
    itertools.batched (Python 3.12) gives tuples, and a task message or a statement takes a list."""
    if size < 1:
        raise ValueError(f"a batch holds at least one item, not {size}")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
