"""pipelines.batches.batched: messages of N ids, statements of N parameters."""

from __future__ import annotations

import pytest

from pipelines.batches import batched


def test_items_come_in_consecutive_lists_the_last_one_shorter() -> None:
    assert list(batched([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]


def test_no_items_make_no_batch() -> None:
    assert list(batched([], 3)) == []


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one item"):
        list(batched([1], 0))
