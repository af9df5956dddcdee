"""The `govreports` command as a user runs it (a real subprocess each)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parent.parent / "seeds" / "demo" / "reports" / "002_77e5e177b521e10d.txt"


def govreports(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from workers.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_twice_stores_every_report_then_nothing(tmp_path: Path) -> None:
    port = str(free_port())
    first = govreports("demo", "--data-dir", str(tmp_path), "--port", port)
    assert first.returncode == 0, first.stderr
    assert "28 new versions stored" in first.stdout
    assert str(tmp_path / "govreports.sqlite3") in first.stdout
    second = govreports("demo", "--data-dir", str(tmp_path), "--port", port)
    assert second.returncode == 0, second.stderr
    # Not asked again inside the revisit window: the summary says so, never "nothing changed upstream".
    assert "0 new versions stored; " in second.stdout and " not due yet (next revisit " in second.stdout
    assert "nothing changed" not in second.stdout


def test_extract_prints_scorer_jsonl() -> None:
    run = govreports("extract", str(REPORT), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert rows
    assert {"name", "value", "unit", "qualifier", "target", "evidence"} <= set(rows[0])


def test_clean_prints_the_report_text() -> None:
    run = govreports("clean", str(REPORT))
    assert run.returncode == 0
    assert "花都区政务服务数据管理局" in run.stdout


ARTICLE_PAGE = """<html><head><meta charset="utf-8"><title>关于2024年政务服务工作的报告_青禾市人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/hdjl/">互动交流</a></div>
<h1>关于2024年政务服务工作的报告</h1><p>发布时间：2024-03-05 10:00　来源：青禾市政务服务数据管理局</p>
<div id="zoom"><p>全年受理政务服务事项12.6万件，按时办结率99.8%。</p><p>网上可办率达到98%，比上年提高3个百分点。</p></div>
<div class="footer">主办单位：青禾市人民政府办公室　青ICP备05001234号</div></body></html>"""


def test_clean_json_prints_title_date_source_and_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_PAGE, encoding="utf-8")
    run = govreports("clean", str(page), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {
        "title": "关于2024年政务服务工作的报告",
        "published": "2024-03-05",
        "source": "青禾市政务服务数据管理局",
        "text": "全年受理政务服务事项12.6万件，按时办结率99.8%。\n网上可办率达到98%，比上年提高3个百分点。",
        "warnings": [],
    }


def test_clean_text_prints_the_metadata_above_the_body(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE_PAGE, encoding="utf-8")
    run = govreports("clean", str(page))
    assert run.returncode == 0, run.stderr
    head, _, body = run.stdout.partition("\n\n")
    assert head.splitlines() == [
        "title: 关于2024年政务服务工作的报告",
        "published: 2024-03-05",
        "source: 青禾市政务服务数据管理局",
    ]
    assert body.splitlines()[0] == "全年受理政务服务事项12.6万件，按时办结率99.8%。"


def test_a_missing_file_is_one_line_naming_it(tmp_path: Path) -> None:
    run = govreports("extract", str(tmp_path / "missing.txt"))
    assert run.returncode == 2
    assert "missing.txt" in run.stderr and "Traceback" not in run.stderr


BAD_INPUTS = {
    "empty": (b"  \n", "is empty"),
    "binary": (b"%PDF-1.4\x00\x01\x02\x03", "is a binary file"),
    "undecodable": (bytes(range(128, 256)) * 40, "not text in any known encoding"),
}


@pytest.mark.parametrize("command", ["extract", "clean"])
@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_is_one_line_naming_the_file_and_a_non_zero_exit(tmp_path: Path, command: str, kind: str) -> None:
    content, says = BAD_INPUTS[kind]
    page = tmp_path / f"{kind}-page.html"
    page.write_bytes(content)
    run = govreports(command, str(page))
    assert run.returncode == 2, run.stdout
    assert f"{kind}-page.html" in run.stderr and says in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr


def test_a_directory_is_refused_naming_it(tmp_path: Path) -> None:
    run = govreports("clean", str(tmp_path))
    assert run.returncode == 2 and "is a directory" in run.stderr


def test_a_file_over_the_size_limit_is_refused_naming_the_setting(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_text("<p>" + "全年受理业务12万件。" * 200 + "</p>", encoding="utf-8")
    run = govreports("extract", str(page), env={"GOVREPORTS_MAX_BODY_BYTES": "1000"})
    assert run.returncode == 2 and "big.html" in run.stderr and "GOVREPORTS_MAX_BODY_BYTES" in run.stderr


def test_a_bad_registry_is_named_with_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "portals.yaml"
    bad.write_text("portals:\n  - slug: x-portal\n    name: X\n", encoding="utf-8")
    run = govreports("portals", "validate", str(bad))
    assert run.returncode == 2
    assert "portal x-portal: field seeds" in run.stderr and "Traceback" not in run.stderr


def test_an_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    run = govreports("reports", env={"GOVREPORTS_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/x"})
    assert run.returncode == 3
    assert "database unavailable" in run.stderr and "GOVREPORTS_DATABASE_URL" in run.stderr


@pytest.mark.parametrize(
    "command",
    [
        "demo",
        "crawl",
        "extract",
        "clean",
        "reports",
        "versions",
        "metrics",
        "export",
        "series",
        "portals list",
        "portals validate",
        "db upgrade",
    ],
)
def test_every_command_help_has_an_example(command: str) -> None:
    run = govreports(*command.split(), "--help")
    assert run.returncode == 0
    assert "Example:" in run.stdout


def test_reports_metrics_and_export_read_what_demo_stored(tmp_path: Path) -> None:
    env = {"GOVREPORTS_DATA_DIR": str(tmp_path)}
    assert govreports("demo", "--port", str(free_port()), env=env).returncode == 0
    listed = govreports("reports", "--portal", "demo-yangjiang", env=env)
    assert "5 reports" in listed.stdout
    out = tmp_path / "metrics.jsonl"
    exported = govreports("export", "--format", "jsonl", "-o", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and {r["portal"] for r in rows} == {"demo-yangjiang", "demo-heyuan"}
    percent = govreports("metrics", "--unit", "%", env=env)
    assert percent.returncode == 0 and "%" in percent.stdout
    assert all(0 < r["confidence"] <= 1 for r in rows)  # every record carries the extractor's estimate
    sure = tmp_path / "sure.jsonl"
    assert (
        govreports("export", "--format", "jsonl", "--min-confidence", "0.85", "-o", str(sure), env=env).returncode == 0
    )
    kept = [json.loads(line) for line in sure.read_text(encoding="utf-8").splitlines()]
    assert 0 < len(kept) < len(rows) and all(r["confidence"] >= 0.85 for r in kept)
    refused = govreports("metrics", "--min-confidence", "7", env=env)
    assert refused.returncode == 2 and "0 to 1" in refused.stderr
    # every row in context: its report's title, publication date, period and the portal's region
    assert all(r["title"] and r["published"] and r["period"] and r["region"] for r in rows)
    assert all(isinstance(r["value"], int | float) for r in rows)  # numbers, not "99.9400000000"
    heyuan_2022 = tmp_path / "heyuan-2022.jsonl"
    narrowed = govreports(
        "export", "--format", "jsonl", "--region", "河源", "--year", "2022", "--result", "-o", str(heyuan_2022), env=env
    )
    assert narrowed.returncode == 0, narrowed.stderr
    kept = [json.loads(line) for line in heyuan_2022.read_text(encoding="utf-8").splitlines()]
    assert 0 < len(kept) < len(rows)
    assert all("河源" in r["region"] and r["period"].startswith("2022") and not r["target"] for r in kept)
    assert ".0000000000" not in govreports("metrics", "--unit", "%", env=env).stdout  # plain decimals


def test_series_lines_up_one_indicator_across_two_years_of_a_demo_portal(tmp_path: Path) -> None:
    env = {"GOVREPORTS_DATA_DIR": str(tmp_path)}
    assert govreports("demo", "--port", str(free_port()), env=env).returncode == 0
    run = govreports("series", "评价覆盖度", "--region", "河源", "--format", "jsonl", env=env)
    assert run.returncode == 0, run.stderr
    points = [json.loads(line) for line in run.stdout.splitlines()]
    assert [p["period"] for p in points] == ["2022", "2023"]
    assert all(p["unit"] == "%" and "河源" in p["region"] and p["canonical"] == "评价覆盖度" for p in points)


def test_export_to_parquet_keeps_numbers_as_numbers_and_dates_as_dates(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    env = {"GOVREPORTS_DATA_DIR": str(tmp_path)}
    assert govreports("demo", "--port", str(free_port()), env=env).returncode == 0
    jsonl, parquet = tmp_path / "metrics.jsonl", tmp_path / "metrics.parquet"
    assert govreports("export", "--format", "jsonl", "-o", str(jsonl), env=env).returncode == 0
    run = govreports("export", "--format", "parquet", "--output", str(parquet), env=env)
    assert run.returncode == 0, run.stderr
    table = pq.read_table(parquet)
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert table.column_names == list(rows[0]) and table.num_rows == len(rows)  # the columns of CSV and JSON Lines
    types = {field.name: field.type for field in table.schema}
    assert (types["value"], types["published"], types["version"]) == (pa.float64(), pa.date32(), pa.int32())
    assert (types["target"], types["confidence"], types["title"]) == (pa.bool_(), pa.float64(), pa.string())
    read = table.to_pylist()
    assert [r["value"] for r in read] == [float(r["value"]) for r in rows]
    assert [r["published"].isoformat() for r in read] == [r["published"] for r in rows]


def test_series_exports_to_parquet_with_its_canonical_key(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    env = {"GOVREPORTS_DATA_DIR": str(tmp_path)}
    assert govreports("demo", "--port", str(free_port()), env=env).returncode == 0
    out = tmp_path / "series.parquet"
    run = govreports("series", "评价覆盖度", "--region", "河源", "--format", "parquet", "-o", str(out), env=env)
    assert run.returncode == 0, run.stderr
    table = pq.read_table(out)
    assert table.column_names[0] == "canonical" and table.column("period").to_pylist() == ["2022", "2023"]


def test_parquet_export_refuses_to_write_binary_to_the_terminal(tmp_path: Path) -> None:
    run = govreports("export", "--format", "parquet", env={"GOVREPORTS_DATA_DIR": str(tmp_path)})
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "--output FILE" in run.stderr


def test_parquet_export_without_pyarrow_names_the_extra_to_install(tmp_path: Path) -> None:
    without_pyarrow = "import sys; sys.modules['pyarrow'] = None; from workers.cli import main; main()"
    run = subprocess.run(
        [sys.executable, "-c", without_pyarrow, "export", "--format", "parquet", "-o", str(tmp_path / "m.parquet")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", "GOVREPORTS_DATA_DIR": str(tmp_path)},
    )
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "pip install 'govreports[parquet]'" in run.stderr
    assert not (tmp_path / "m.parquet").exists()


def test_text_from_portals_is_printed_literally_never_as_markup() -> None:
    from rich.table import Table

    from workers.cli import out

    table = Table()
    table.add_column("title")
    table.add_row("[red]通知[/] [/bogus]")
    with out.capture() as captured:
        out.print(table)
    assert "[red]通知[/] [/bogus]" in captured.get()


def test_a_report_kept_as_a_pdf_is_read_with_its_laid_out_lines_joined(tmp_path: Path) -> None:
    from tests.attachment_files import make_pdf
    from tests.test_wrapped import PARAGRAPHS, laid_out

    report = tmp_path / "年度报告.pdf"
    report.write_bytes(make_pdf(laid_out(PARAGRAPHS, page_lines=4).split("\n")))
    run = govreports("extract", str(report), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    households = [json.loads(line) for line in run.stdout.splitlines() if '"户"' in line]
    assert [(m["value"], m["name"]) for m in households] == [(3215, "新增市场主体")]


def test_a_damaged_pdf_is_one_line_naming_it_and_a_non_zero_exit(tmp_path: Path) -> None:
    report = tmp_path / "damaged.pdf"
    report.write_bytes(b"%PDF-1.4 cut off here")
    run = govreports("extract", str(report), "--format", "jsonl")
    assert run.returncode == 2 and "damaged.pdf" in run.stderr and "undamaged .pdf" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
