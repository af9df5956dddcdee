"""Text of attached files (PDF, DOCX, XLSX), so metrics in an attached table are found too.

Bounded work: at most `max_pages` PDF pages, `max_rows` spreadsheet rows and `max_chars`
characters of output, whatever the file claims.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator

from pipelines.wrapped import unwrap
from scrapers.errors import PermanentError


class AttachmentUnreadable(PermanentError):
    """The file is damaged, encrypted or not what its extension says."""


def extract_attachment_text(
    kind: str, data: bytes, *, max_pages: int = 200, max_rows: int = 20_000, max_chars: int = 500_000
) -> str:
    """Plain text of an attachment of `kind` ('pdf', 'docx', 'xlsx'), one paragraph or row a line."""
    readers = {"pdf": _pdf_lines, "docx": _docx_lines, "xlsx": _xlsx_lines}
    reader = readers.get(kind)
    if reader is None:
        raise AttachmentUnreadable(f"no reader for .{kind} files")
    lines: list[str] = []
    size = 0
    try:
        for line in reader(data, max_pages=max_pages, max_rows=max_rows):
            line = "\t".join(" ".join(cell.split()) for cell in line.split("\t")).strip("\t")
            if not line:
                continue
            lines.append(line)
            size += len(line) + 1
            if size >= max_chars:
                break
    except AttachmentUnreadable:
        raise
    except Exception as exc:  # third-party parsers raise anything on a damaged file
        raise AttachmentUnreadable(f"cannot read this .{kind} file: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(lines)
    return (unwrap(text) if kind == "pdf" else text)[:max_chars]  # a PDF holds lines as laid out, not paragraphs


def _pdf_lines(data: bytes, *, max_pages: int, max_rows: int) -> Iterator[str]:
    from pypdf import PdfReader

    # pypdf logs what it repairs (EOF marker not found …) as warnings: a damaged file is our error to tell
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise AttachmentUnreadable("the PDF is encrypted")
    for page in reader.pages[:max_pages]:
        yield from (page.extract_text() or "").splitlines()


def _docx_lines(data: bytes, *, max_pages: int, max_rows: int) -> Iterator[str]:
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise AttachmentUnreadable("not a DOCX (zip) file")
    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    rows = 0
    for table in document.tables:
        for row in table.rows:
            rows += 1
            if rows > max_rows:
                return
            yield "\t".join(cell.text for cell in row.cells)


def _xlsx_lines(data: bytes, *, max_pages: int, max_rows: int) -> Iterator[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = 0
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                rows += 1
                if rows > max_rows:
                    return
                yield "\t".join("" if cell is None else str(cell) for cell in row)
    finally:
        workbook.close()
