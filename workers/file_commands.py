"""The commands that read one file and print: `extract`, `clean` and `links`.

They open no database, no broker and no network, and a person or a script runs them once a file, so
the process start is most of what anyone waits for. `workers.entry` answers their plain forms here,
with argparse, before Typer, Rich and pydantic are loaded (bench/startup.py measures it); the Typer
commands in `workers.cli` call the same functions, so both ways print the same bytes. Anything this
front does not know (`--help`, a table, an option it does not parse) goes to the Typer app.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from scrapers.errors import GovreportsError, PermanentError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pipelines.article import Article

FILE_COMMANDS = frozenset({"extract", "clean", "links"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})


class CliError(PermanentError):
    """An error for the user: one line naming the input and what to do."""


def max_input_bytes() -> int:
    """GOVREPORTS_MAX_BODY_BYTES for a file given on the command line, read from the environment alone
    (as GOVREPORTS_LOG_JSON is for these commands), so that they need no settings."""
    from scrapers.limits import DEFAULT_MAX_BODY_BYTES

    raw = os.environ.get("GOVREPORTS_MAX_BODY_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BODY_BYTES
    try:
        return max(1, int(raw))
    except ValueError as exc:
        raise CliError(f"GOVREPORTS_MAX_BODY_BYTES={raw!r} is not a whole number of bytes") from exc


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of a file a command was given, or a CliError naming the file and the fix: a directory,
    an unreadable, empty or oversized file gets one line each."""
    if path.is_dir():
        raise CliError(f"{path} is a directory; give one file: {what}")
    try:
        size = path.stat().st_size
        limit = max_input_bytes()
        if size > limit:
            raise CliError(
                f"{path} is {size_text(size)}, over the {size_text(limit)} limit; "
                "raise GOVREPORTS_MAX_BODY_BYTES if it really is one page"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}; check the path") from exc
    if not raw.strip():
        raise CliError(f"{path} is empty; give {what}")
    return raw


def read_input(path: Path, what: str) -> str:
    """The decoded text of a file a command was given, or a CliError naming the file and the fix.

    A directory, an unreadable, empty, binary, undecodable or oversized file gets one line each,
    never an empty answer that looks like a page without a report.
    """
    from scrapers.encoding import decode_body
    from scrapers.errors import UndecodableBody

    raw = read_bytes(path, what)
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CliError(f"{path} is a binary file, not {what}; a PDF, DOCX or XLSX report is read when its name ends so")
    try:
        text, _ = decode_body(raw)
    except UndecodableBody as exc:
        raise CliError(f"{path} is not text in any known encoding; give {what}") from exc
    return text


def read_document(path: Path, kind: str) -> str:
    """The text of a report kept as a PDF, DOCX or XLSX file (a PDF's lines rejoined into sentences),
    or a CliError naming the file when it cannot be read as one."""
    from pipelines.attachments import AttachmentUnreadable, extract_attachment_text

    raw = read_bytes(path, f"a report as .{kind}")
    try:
        return extract_attachment_text(kind, raw)
    except AttachmentUnreadable as exc:
        raise CliError(f"{path}: {exc}; give an undamaged .{kind} file, or save the report as text") from exc


def size_text(n: int) -> str:
    return f"{n / 1048576:.1f} MiB" if n >= 1048576 else f"{n:,} bytes"


def read_article(path: Path) -> Article:
    """A .txt, .html, .pdf, .docx or .xlsx report read as an Article (a text or a document has a body only)."""
    from pipelines.article import Article, extract_article
    from pipelines.clean import clean_text
    from scrapers.attachments import READABLE_KINDS

    kind = path.suffix.lower().removeprefix(".")
    if kind in READABLE_KINDS:  # read as an attachment of a page is
        return Article("", None, None, clean_text(read_document(path, kind)))
    text = read_input(path, "a saved page (.html), a report's text (.txt) or its file (.pdf, .docx, .xlsx)")
    if path.suffix.lower() in _HTML_SUFFIXES:
        return extract_article(text)
    return Article("", None, None, clean_text(text))


def read_list_page(path: Path) -> str:
    """The text of a saved list page; a missing, empty, undecodable or non-HTML file is a CliError
    naming it, never an empty answer that looks like a page without articles."""
    text = read_input(path, f"the list page's saved HTML (e.g. curl -o {path.name} URL)")
    if not re.search(r"<(?:!doctype|html|head|body|a|div|ul|table|li|p)\b", text, re.IGNORECASE):
        raise CliError(f"{path} is not HTML (no tags found); give the list page as saved by a browser or curl")
    return text


def write_metrics_jsonl(path: Path, stream: TextIO) -> None:
    """`extract FILE --format jsonl`: one JSON object a metric, in text order."""
    from pipelines.metrics import extract_metrics

    article = read_article(path)
    for metric in extract_metrics(article.body, title=article.title):
        stream.write(json.dumps(metric.as_json(), ensure_ascii=False) + "\n")


def write_cleaned(path: Path, format: str, stream: TextIO) -> None:
    """`clean FILE`: title, date, source and warnings, then the body (text), or one JSON object (json)."""
    if format not in ("text", "json"):
        raise CliError(f"--format {format!r}: use text or json")
    article = read_article(path)
    if format == "json":
        payload = {
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "source": article.source,
            "text": article.body,
            "warnings": list(article.warnings),
        }
        stream.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    header = [
        f"title: {article.title}" if article.title else "",
        f"published: {article.published.isoformat()}" if article.published else "",
        f"source: {article.source}" if article.source else "",
        *(f"warning: {w}" for w in article.warnings),
    ]
    head = "\n".join(line for line in header if line)
    stream.write((head + "\n\n" if head else "") + article.body + "\n")


def write_links(path: Path, base_url: str | None, stream: TextIO) -> int:
    """`links FILE --base-url URL`: the article links, one a line; returns how many were written."""
    from scrapers.discover import article_links

    html = read_list_page(path)
    if not base_url:
        raise CliError(f"links of {path} need --base-url: the address the page was saved from")
    if not re.match(r"https?://[^/\s]+", base_url):
        raise CliError(f"--base-url {base_url!r} is not an http(s) URL; give the address the page was saved from")
    found = article_links(html, base_url)
    for link in found:
        stream.write(link.url + "\n")
    return len(found)


def no_links_message(path: Path) -> str:
    return f"no article links found in {path}"


def configure_logs(*, verbose: bool, json_logs: bool) -> None:
    """Logs for a file command, when asked for: GOVREPORTS_LOG_JSON is read from the environment alone
    (no settings are loaded), and structlog is loaded only then (the readers log nothing of their own)."""
    json_logs = json_logs or os.environ.get("GOVREPORTS_LOG_JSON", "").lower() in ("1", "true", "yes", "on")
    if verbose or json_logs:
        from workers.logging import configure_logging

        configure_logging(verbose=verbose, json_lines=json_logs)


def run(argv: Sequence[str]) -> int | None:
    """Answer a plain file command and return its exit code, or None to leave `argv` to the Typer app.

    Plain means: optional -v/--verbose/--json-logs, then `extract FILE [--format jsonl]`,
    `clean FILE [--format text|json]` or `links FILE --base-url URL`, in any order after the command.
    """
    import argparse

    verbose = json_logs = False
    args = list(argv)
    while args and args[0] in ("-v", "--verbose", "--json-logs"):
        verbose, json_logs = verbose or args[0] != "--json-logs", json_logs or args[0] == "--json-logs"
        args.pop(0)
    if not args or args[0] not in FILE_COMMANDS or any(a in ("-h", "--help") for a in args):
        return None
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("file", type=Path)
    parser.add_argument("--format")
    parser.add_argument("--base-url")
    try:
        parsed, unknown = parser.parse_known_args(args[1:])
    except argparse.ArgumentError:
        return None
    command, format = args[0], parsed.format
    if unknown or (command == "extract" and format != "jsonl") or (command != "links" and parsed.base_url):
        return None  # a table, a typo or an option of another command: the Typer app says what it is
    if command == "links" and format is not None:
        return None
    configure_logs(verbose=verbose, json_logs=json_logs)
    try:
        if command == "extract":
            write_metrics_jsonl(parsed.file, sys.stdout)
        elif command == "clean":
            write_cleaned(parsed.file, format or "text", sys.stdout)
        elif not write_links(parsed.file, parsed.base_url, sys.stdout):
            sys.stderr.write(no_links_message(parsed.file) + "\n")
    except GovreportsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    return 0
