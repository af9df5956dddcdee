"""`govreports diff`: the text diff of two versions and their metric deltas, matched by meaning, not position."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pipelines.metrics import extract_metrics
from pipelines.store.diff import MetricFact, diff_metrics, diff_text, metric_changes_per_version, unified_diff
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo
from tests.test_cli import govreports

SEED = Path(__file__).resolve().parent.parent / "seeds" / "demo" / "reports" / "001_abba2be8b8122291.txt"
SENTENCE = "2023年累计受理业务159524宗,办结159138宗,办结率99.8%。"


def facts(text: str) -> list[MetricFact]:
    """The metrics the real extractor finds in `text`, as the diff compares them."""
    return [MetricFact.of(m) for m in extract_metrics(text)]


def fact(name: str, value: str, unit: str = "%", evidence: str = "", qualifier: str = "exact") -> MetricFact:
    return MetricFact(name, Decimal(value), unit, qualifier, False, evidence or f"{name}{value}{unit}。")


def seed_paragraphs() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


# --- metric deltas ---------------------------------------------------------------------------------------------


def test_a_changed_number_is_changed_not_removed_and_added() -> None:
    delta = diff_metrics(facts(SENTENCE), facts(SENTENCE.replace("99.8%", "99.9%")))
    assert (delta.added, delta.removed) == ((), ())
    [change] = delta.changed
    assert (change.old.value, change.new.value, change.new.unit) == (Decimal("99.8"), Decimal("99.9"), "%")
    assert change.old.name == change.new.name and change.fields == ("value",)
    assert delta.count == 1


def test_two_numbers_changed_in_one_sentence_are_paired_by_name_not_by_value() -> None:
    old = facts(SENTENCE)
    new = facts(SENTENCE.replace("159524宗", "160001宗").replace("159138宗", "159870宗"))
    delta = diff_metrics(old, new)
    assert (delta.added, delta.removed) == ((), ())
    pairs = {(c.old.value, c.new.value) for c in delta.changed}
    assert pairs == {(Decimal(159524), Decimal(160001)), (Decimal(159138), Decimal(159870))}


def test_a_reordered_report_changes_no_metric() -> None:
    paragraphs = seed_paragraphs()
    moved = [*paragraphs[5:9], *paragraphs[:5], *paragraphs[9:]]
    old, new = facts("\n".join(paragraphs)), facts("\n".join(moved))
    assert len(old) > 20
    delta = diff_metrics(old, new)
    assert delta.count == 0 and delta.unchanged == len(old)
    assert diff_text("\n".join(paragraphs), "\n".join(moved))  # the text did change


def test_an_edit_in_one_paragraph_touches_only_its_metrics() -> None:
    paragraphs = seed_paragraphs()
    at = next(i for i, p in enumerate(paragraphs) if "办结率99.8%" in p)
    edited = [*paragraphs]
    edited[at] = edited[at].replace("办结率99.8%", "办结率99.9%")
    delta = diff_metrics(facts("\n".join(paragraphs)), facts("\n".join(edited)))
    assert [(c.old.value, c.new.value) for c in delta.changed] == [(Decimal("99.8"), Decimal("99.9"))]
    assert delta.count == 1


def test_indicators_added_and_removed() -> None:
    kept = "全年网上可办率达到98.5%。"
    dropped = "新增政务服务事项356项。"
    added = "全年新增办理事项128项。"
    delta = diff_metrics(facts(kept + "\n" + dropped), facts(kept + "\n" + added))
    assert [(m.value, m.unit) for m in delta.removed] == [(Decimal(356), "项")]
    assert [(m.value, m.unit) for m in delta.added] == [(Decimal(128), "项")]
    assert delta.changed == () and delta.unchanged == 1


def test_the_same_name_in_an_unrelated_sentence_is_not_a_change() -> None:
    old = [fact("网上可办率", "98", evidence="2022年全市网上可办率达到98%,较上年提高3个百分点。")]
    new = [fact("网上可办率", "90", evidence="力争到2025年底,各镇街网上可办率不低于90%。")]
    delta = diff_metrics(old, new)
    assert (len(delta.removed), len(delta.added), delta.changed) == (1, 1, ())


def test_a_renamed_indicator_around_the_same_changed_number_is_a_change() -> None:
    old = [fact("受理业务办结率", "99.8", evidence="累计受理业务159524宗,办结率99.8%。")]
    new = [fact("受理业务按时办结率", "99.9", evidence="累计受理业务159524宗,按时办结率99.9%。")]
    [change] = diff_metrics(old, new).changed
    assert change.fields == ("name", "value")


def test_a_qualifier_or_unit_change_is_reported_as_such() -> None:
    old = [fact("网上可办率", "98", evidence="网上可办率达到98%。")]
    new = [fact("网上可办率", "98", evidence="网上可办率超过98%。", qualifier="over")]
    [change] = diff_metrics(old, new).changed
    assert change.fields == ("qualifier",)


def test_metric_changes_per_version_count_against_the_one_before() -> None:
    first = facts(SENTENCE)
    second = facts(SENTENCE.replace("99.8%", "99.9%"))
    third = facts(SENTENCE.replace("99.8%", "99.9%") + "\n全年新增办理事项128项。")
    assert metric_changes_per_version({1: first, 2: second, 3: third, 4: third}) == {1: None, 2: 1, 3: 1, 4: 0}


# --- text diff -------------------------------------------------------------------------------------------------


def test_a_changed_line_highlights_the_whole_changed_number() -> None:
    old = "第一段。\n" + SENTENCE + "\n第三段。"
    new = "第一段。\n" + SENTENCE.replace("99.8%", "99.9%") + "\n第三段。"
    [line] = diff_text(old, new)
    assert (line.op, line.old_no, line.new_no) == ("changed", 2, 2)
    assert [line.old[a:b] for a, b in line.old_changes] == ["99.8"]
    assert [line.new[a:b] for a, b in line.new_changes] == ["99.9"]


def test_added_and_removed_lines_are_numbered_in_their_own_version() -> None:
    lines = diff_text("甲。\n乙项目全部完成。\n丙。", "甲。\n丙。\n丁:全年新增办理事项128项。")
    assert [(x.op, x.old_no, x.new_no, x.old or x.new) for x in lines] == [
        ("removed", 2, None, "乙项目全部完成。"),
        ("added", None, 3, "丁:全年新增办理事项128项。"),
    ]


def test_a_rewritten_line_is_removed_and_added_not_a_change() -> None:
    [removed, added] = diff_text("甲。\n今年完成了全部的目标任务。", "甲。\n明日计划推进数字政府建设。")
    assert (removed.op, added.op) == ("removed", "added")


def test_equal_texts_have_no_diff_lines() -> None:
    assert diff_text(SENTENCE, SENTENCE) == ()


def test_unified_diff_names_both_versions() -> None:
    text = unified_diff("甲\n乙\n", "甲\n丙\n", "v1", "v2")
    assert text.splitlines()[:2] == ["--- v1", "+++ v2"]
    assert "-乙" in text and "+丙" in text


def test_a_changed_line_prints_red_then_green_with_the_changed_number_highlighted() -> None:
    from rich.console import Console

    from workers.cli import _diff_line_texts

    [line] = diff_text(SENTENCE, SENTENCE.replace("99.8%", "99.9%"))
    console = Console(force_terminal=True, color_system="standard", width=400)
    with console.capture() as captured:
        for text in _diff_line_texts(line):
            console.print(text, soft_wrap=True)
    old, new = captured.get().splitlines()
    assert "\x1b[31m2023年累计" in old and "\x1b[1;7;31m99.8\x1b[0m" in old  # red, the number reversed
    assert "\x1b[32m2023年累计" in new and "\x1b[1;7;32m99.9\x1b[0m" in new


# --- the command, end to end on the demo portal ----------------------------------------------------------------


def table_rows(printed: str) -> list[dict[str, str]]:
    """The rows of the rich table in `printed`, as {header: cell} (one line a row: COLUMNS is wide)."""
    lines = [line.replace("┃", "│") for line in printed.splitlines() if line.startswith(("┃", "│"))]
    cells = [[cell.strip() for cell in line.strip("│").split("│")] for line in lines]
    return [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]


def edit_upstream(site: DemoSite) -> str:
    """Change one number of a demo report and add a sentence, as a portal silently does; the report's path."""
    portal = site.portals["hy"]
    article = site.article("hy", 1002)
    at = next(i for i, p in enumerate(article.paragraphs) if "办结率99.8%" in p)
    article.paragraphs[at] = article.paragraphs[at].replace("办结率99.8%", "办结率99.9%")
    site.edit("hy", 1002, "全年新增办理事项128项。")  # bumps the revision: the page's ETag changes
    return portal.article_path(article)


def test_diff_of_a_report_edited_upstream_shows_the_changed_line_and_the_metric_deltas(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    make_runtime(sqlite_url, demo_server.base_url, revisit_after_hours=0)
    crawl_demo(("demo-heyuan",))
    url = demo_server.base_url + edit_upstream(demo_site)
    crawl_demo(("demo-heyuan",))
    env = {"GOVREPORTS_DATABASE_URL": sqlite_url}

    shown = govreports("diff", url, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "办结率99.8%" in shown.stdout and "办结率99.9%" in shown.stdout
    assert "全年新增办理事项128项。" in shown.stdout
    assert "99.8 % → 99.9 %" in shown.stdout  # the metric table

    as_json = govreports("diff", url, "--from", "1", "--to", "2", "--format", "json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    payload = json.loads(as_json.stdout)
    assert (payload["url"], payload["from"], payload["to"]) == (url, 1, 2)
    [changed] = [line for line in payload["lines"] if line["op"] == "changed"]
    assert "办结率99.8%" in changed["old"] and "办结率99.9%" in changed["new"]
    assert [(c["old"]["value"], c["new"]["value"]) for c in payload["metrics"]["changed"]] == [(99.8, 99.9)]
    assert [(m["value"], m["unit"]) for m in payload["metrics"]["added"]] == [(128, "项")]
    assert payload["metrics"]["removed"] == []

    unified = govreports("diff", url, "--format", "unified", env=env)
    assert unified.returncode == 0, unified.stderr
    assert unified.stdout.startswith(f"--- {url} v1\n+++ {url} v2\n")
    assert "+全年新增办理事项128项。" in unified.stdout

    history = govreports("versions", url, env=env)
    assert history.returncode == 0, history.stderr
    changes = {row["version"]: row["metric changes"] for row in table_rows(history.stdout)}
    assert changes == {"1": "", "2": "2"}  # version 2: one number changed, one indicator added


def test_diff_refuses_unknown_reports_versions_and_a_single_version(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-yangjiang",))
    env = {"GOVREPORTS_DATABASE_URL": sqlite_url}
    url = demo_server.base_url + "/yj/zwgk/gzbg/content/post_1001.html"

    unknown = govreports("diff", url + "x", env=env)
    assert unknown.returncode == 2 and "govreports reports" in unknown.stderr
    single = govreports("diff", url, env=env)
    assert single.returncode == 2 and "only one version" in single.stderr
    missing = govreports("diff", url, "--from", "1", "--to", "7", env=env)
    assert missing.returncode == 2 and "--to 7" in missing.stderr and "govreports versions" in missing.stderr
    bad_format = govreports("diff", url, "--format", "html", env=env)
    assert bad_format.returncode == 2 and "text, json or unified" in bad_format.stderr
    for run in (unknown, single, missing, bad_format):
        assert run.stderr.count("error:") == 1 and "Traceback" not in run.stderr  # one message (rich may wrap it)


def test_diff_help_has_an_example() -> None:
    run = govreports("diff", "--help")
    assert run.returncode == 0 and "Example:" in run.stdout
