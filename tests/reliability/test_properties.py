"""Bad input, by property: no exception escapes, offsets stay inside the text, values are finite."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.article import clean_html
from pipelines.clean import clean_text
from pipelines.metrics import extract_metrics
from pipelines.numbers import parse_number
from scrapers.errors import RegistryError
from scrapers.registry import load_registry

# Text that looks like government reports: digits, Chinese numerals, units, punctuation, brackets.
REPORT_ALPHABET = (
    "0123456789０１２３４５６７８９.,，。、；：%％（）()〔〕【】“”\"'《》+-—~*/ \n"
    "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟廿卅点负分之"
    "个项件人次元宗台户家类条张份枚分平方米小时天年月日号约近超过逾多余以上不到低于达实现累计同比增长下降提高百分点其中均率"
    "政务服务数据管理局事项办理受理网上可办热线平台系统年度报告工作总结计划目标要求确保力争"
    "ICP备公网安备网站标识码电话主办单位"
)
report_text = st.text(alphabet=REPORT_ALPHABET, max_size=400) | st.text(max_size=200)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(report_text)
def test_the_number_parser_never_raises_and_returns_finite_decimals(text: str) -> None:
    value = parse_number(text)
    assert value is None or value.is_finite()


@FAST
@given(report_text)
def test_every_metric_has_offsets_inside_the_text_and_evidence_from_it(text: str) -> None:
    for metric in extract_metrics(text):
        assert 0 <= metric.start <= metric.end <= len(text)
        assert metric.value.is_finite()
        assert metric.evidence and metric.evidence in text
        assert len(metric.evidence) <= 300
        assert metric.qualifier in ("exact", "about", "over", "under")


TAGS = ("div", "p", "span", "table", "tr", "td", "ul", "li", "a", "script", "style", "h1", "br", "b", "font")


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            parts.append(f"<{tag} class='{draw(st.sampled_from(['content', 'footer', 'nav', 'x']))}'>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(report_text))
    return "".join(parts)


@FAST
@given(html_pages() | st.text(max_size=300))
def test_the_html_cleaner_never_raises_on_broken_markup(html: str) -> None:
    assert isinstance(clean_html(html), str)


@FAST
@given(report_text)
def test_the_text_cleaner_never_raises_and_only_keeps_lines_of_its_input(text: str) -> None:
    cleaned = clean_text(text)
    source = {" ".join(line.split()) for line in text.splitlines()}
    assert all(" ".join(line.split()) in source or not line.strip() for line in cleaned.splitlines())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=20,
    )
)
def test_any_yaml_registry_loads_or_fails_with_one_registry_error(tmp_path: Path, data: object) -> None:
    path = tmp_path / "portals.yaml"
    path.write_text(yaml.safe_dump({"portals": data} if not isinstance(data, dict) else data), encoding="utf-8")
    try:
        load_registry(path)
    except RegistryError as exc:
        assert str(path) in str(exc)


@pytest.mark.parametrize("size", [1_000_000])
def test_a_megabyte_of_digits_is_handled(size: int) -> None:
    text = "1234567890" * (size // 10)
    assert isinstance(extract_metrics(text), list)
    assert isinstance(clean_text(text), str)


def test_ten_thousand_nested_tags_do_not_crash_the_cleaner() -> None:
    html = "<div>" * 10_000 + "全年办结率99.8%。" + "</div>" * 10_000
    assert isinstance(clean_html(html), str)
