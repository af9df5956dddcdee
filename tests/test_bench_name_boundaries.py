"""bench/name_boundaries.py: finding a name near its number, snapping its edges to words, trimming by POS.

Made-up sentences and hand-made word lists, so no segmenter needs to be installed.
"""

from __future__ import annotations

from decimal import Decimal

from bench.name_boundaries import locate, pos_trim, snap
from pipelines.metrics import Metric

TEXT = "全市农村居民人均收入增长6%，农村居民人均收入达2万元。"


def metric(name: str, number: str) -> Metric:
    start = TEXT.index(number)
    return Metric(name, Decimal(1), "元", "exact", False, TEXT, start, start + len(number))


def test_the_occurrence_nearest_before_the_number_is_taken() -> None:
    found = locate(TEXT, metric("居民人均收入", "2万元"))
    assert found is not None
    assert TEXT[found[0] : found[1]] == "居民人均收入"
    assert found[1] == TEXT.index("达2万元")


def test_a_bound_appended_by_extraction_is_left_out_of_the_search() -> None:
    found = locate(TEXT, metric("人均收入上限", "2万元"))
    assert found is not None and found[2] == "上限"


def test_a_composed_name_is_not_located() -> None:
    assert locate(TEXT, metric("全市人均收入", "2万元")) is None


WORDS = [(0, 2, "n"), (2, 4, "n"), (4, 6, "n"), (6, 8, "n")]  # 农村 居民 人均 收入, offsets 0..8


def test_an_edge_inside_a_word_moves_out_or_in() -> None:
    assert snap(WORDS, 1, 7, "extend", "extend") == (0, 8)
    assert snap(WORDS, 1, 7, "trim", "trim") == (2, 6)
    assert snap(WORDS, 2, 6, "trim", "extend") == (2, 6)  # already on boundaries: unchanged


def test_function_words_at_the_edges_are_dropped_but_verbs_used_as_nouns_stay() -> None:
    tagged = [(0, 1, "p"), (1, 3, "vn"), (3, 5, "n"), (5, 7, "d")]  # 按 审批 时限 原则上
    assert pos_trim(tagged, 0, 7, frozenset("dpcu"), frozenset("dpcu")) == (1, 5)
    assert pos_trim(tagged, 0, 7, frozenset("dpcuv"), frozenset("dpcuv")) == (1, 5)
    assert pos_trim([(0, 1, "d"), (1, 2, "n")], 0, 2, frozenset("d"), frozenset()) == (0, 2)  # two chars kept
