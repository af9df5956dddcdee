"""Confidence: the fitted model's probability that a record is right (pipelines.confidence).

Each comparison changes one sign of an invented record and keeps the rest, so it states what the
fitted weights say of that sign; a refit that turned one of these around would be worth a look."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import pytest

from pipelines.confidence import BIAS, FEATURES, WEIGHTS, Record, confidence, features
from pipelines.metrics import extract_metrics

NORM = "全区新建便民服务站12座，覆盖率达到95%。"
STATION = Record("新建便民服务站", 9, "座", Decimal(12), False, 0, 13, 1, "text")


def rated(record: Record, norm: str = NORM) -> float:
    return confidence(norm, *record)


def test_the_model_has_a_weight_for_every_sign() -> None:
    assert len(WEIGHTS) == len(FEATURES) == len(features(NORM, STATION))


def test_confidence_is_a_probability_to_two_decimals() -> None:
    value = rated(STATION)
    assert 0 < value < 1 and round(value, 2) == value


def test_every_extracted_record_carries_its_confidence_into_json() -> None:
    metrics = extract_metrics(NORM)
    assert metrics and all(0 < m.confidence < 1 and m.as_json()["confidence"] == m.confidence for m in metrics)


def test_a_table_cell_named_by_its_headers_is_surer_than_the_same_figure_in_a_sentence() -> None:
    assert rated(STATION._replace(source="cell")) > rated(STATION)


def test_a_chinese_numeral_is_less_sure_than_digits() -> None:
    norm = "全区新建便民服务站十二座，覆盖率达到95%。"
    assert rated(STATION, norm) < rated(STATION)


def test_a_unit_given_by_default_is_less_sure_than_a_written_one() -> None:
    assert rated(STATION._replace(unit="个")) < rated(STATION)


@pytest.mark.parametrize("name", ["指标", "站"])
def test_a_fallback_or_one_character_name_is_less_sure(name: str) -> None:
    assert rated(STATION._replace(name=name)) < rated(STATION)


def test_the_fast_sum_is_the_model_over_the_features() -> None:
    norm = "青禾市全年新增城镇就业人数达到十二万人，其中的就业率为95%，新建服务站6个。"
    names = ["指标", "站", "新增城镇就业人数", "其中的就业率", "新建服务站3号", "城镇就业"]
    shapes = itertools.product(
        names,
        (norm.index("十二"), norm.index("95"), norm.index("6个")),
        ("人", "%", "个", ""),
        (Decimal(6), Decimal(120000)),
        (False, True),
    )
    for (name, start, unit, value, target), source in itertools.product(shapes, ("text", "table", "cell")):
        record = Record(name, start, unit, value, target, 0, len(norm), 3, source)
        model = 1.0 / (1.0 + math.exp(BIAS + sum(w * x for w, x in zip(WEIGHTS, features(norm, record), strict=True))))
        assert confidence(norm, *record) == round(model, 2), record
