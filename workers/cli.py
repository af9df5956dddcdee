"""The `govreports` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipelines.clean import clean_html, clean_text
from pipelines.metrics import extract_metrics

app = typer.Typer(help="govreports: Chinese government portals to clean, versioned, queryable data.", no_args_is_help=True)


def _read_document(path: Path) -> str:
    """Text of a .txt or .html report, cleaned of site furniture."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}") from exc
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in {".html", ".htm"}:
        return clean_html(text)
    return clean_text(text)


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A report as .txt or .html")],
    format: Annotated[str, typer.Option("--format", help="jsonl or table")] = "table",
) -> None:
    """Print every metric of one report.

    Example: govreports extract report.txt --format jsonl
    """
    text = _read_document(file)
    for metric in extract_metrics(text):
        sys.stdout.write(json.dumps(metric.as_json(), ensure_ascii=False) + "\n")


@app.command()
def clean(file: Annotated[Path, typer.Argument(help="A report page as .html or .txt")]) -> None:
    """Print the cleaned text of one report page.

    Example: govreports clean page.html
    """
    sys.stdout.write(_read_document(file) + "\n")


def main() -> None:
    app()
