"""The plain file commands answer the same through the fast front (`workers.entry`) as through the
Typer app (`workers.cli`): same bytes out, same one-line error, same exit code.

Each case runs both ways in a subprocess, as a user would run `govreports`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FRONT = "from workers.entry import main; main()"
TYPER_APP = "from workers.cli import main; main()"
PAGE = (
    "<html><head><title>2023年工作总结_某区人民政府</title></head><body>"
    "<div class='nav'><a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a></div>"
    "<div class='article'><h1>2023年工作总结</h1><p>发布时间：2024-01-05 来源：区政务服务数据管理局</p>"
    "<p>2023年，全区政务服务事项网上可办率达99.8%，全年办理事项12.3万件。</p></div></body></html>"
)
LIST_PAGE = (
    "<html><body><ul class='nav'><li><a href='/'>首页</a></li></ul><ul class='list'>"
    + "".join(
        f"<li><a href='/zwgk/2024/art_{i}.html'>2023年第{i}季度工作总结</a><span>2024-0{i}-01</span></li>"
        for i in range(1, 5)
    )
    + "</ul></body></html>"
)


def run(program: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, timeout=60)


def both(*args: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    return run(FRONT, *args), run(TYPER_APP, *args)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "report.txt").write_text("2023年，全区政务服务事项网上可办率达99.8%。\n", encoding="utf-8")
    (tmp_path / "list.html").write_text(LIST_PAGE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"%PDF-1.7\x00\x01\x02")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ("extract", "page.html", "--format", "jsonl"),
        ("extract", "report.txt", "--format", "jsonl"),
        ("-v", "extract", "--format", "jsonl", "report.txt"),
        ("clean", "page.html"),
        ("clean", "page.html", "--format", "json"),
        ("clean", "report.txt"),
        ("links", "list.html", "--base-url", "https://www.example.gov.cn/zwgk/"),
        ("links", "page.html", "--base-url", "https://www.example.gov.cn/zwgk/"),
    ],
    ids=lambda args: " ".join(args),
)
def test_a_file_command_prints_the_same_both_ways(files: Path, args: tuple[str, ...]) -> None:
    argv = [str(files / a) if "." in a and not a.startswith(("-", "http")) else a for a in args]
    front, typer_app = both(*argv)
    assert front.returncode == typer_app.returncode == 0, front.stderr + typer_app.stderr
    assert front.stdout == typer_app.stdout
    assert front.stdout.strip() or "no article links" in front.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("extract", "empty.txt", "--format", "jsonl"),
        ("clean", "binary.txt"),
        ("clean", "missing.html"),
        ("clean", "page.html", "--format", "xml"),
        ("links", "list.html"),
        ("links", "list.html", "--base-url", "ftp://example.gov.cn/"),
    ],
    ids=lambda args: " ".join(args),
)
def test_a_bad_input_gets_the_same_one_line_error_both_ways(files: Path, args: tuple[str, ...]) -> None:
    argv = [str(files / a) if "." in a and not a.startswith(("-", "ftp")) else a for a in args]
    front, typer_app = both(*argv)
    assert front.returncode == typer_app.returncode == 2
    assert front.stderr == typer_app.stderr
    assert front.stderr.startswith("error: ") and front.stderr.count("\n") == 1
    assert front.stdout == ""


@pytest.mark.parametrize(
    "args",
    [("extract", "--help"), ("extract", "report.txt"), ("clean", "page.html", "--bogus"), ("--data-dir", ".", "clean")],
    ids=lambda args: " ".join(args),
)
def test_what_the_front_does_not_parse_goes_to_the_typer_app(files: Path, args: tuple[str, ...]) -> None:
    argv = [str(files / a) if "." in a and a != "." and not a.startswith("-") else a for a in args]
    front, typer_app = both(*argv)
    assert (front.returncode, front.stdout, front.stderr) == (typer_app.returncode, typer_app.stdout, typer_app.stderr)


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path: Path) -> None:
    """`govreports extract big.txt | head -1`: no traceback when head closes the pipe, the exit of a tool
    stopped by SIGPIPE (141)."""
    line = "全区新增市场主体{}户，同比增长12.5%。\n"
    (tmp_path / "big.txt").write_text("".join(line.format(i) for i in range(1, 4000)), encoding="utf-8")
    command = [sys.executable, "-c", FRONT, "extract", str(tmp_path / "big.txt"), "--format", "jsonl"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(b"{")
        process.stdout.close()
        errors = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert "Traceback" not in errors and code == 141
