"""Boilerplate removal (stub: replaced by the cleaning work)."""

from __future__ import annotations

import lxml.html


def clean_text(text: str) -> str:
    """The report body of a plain-text page: furniture lines out, body lines kept."""
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def clean_html(html: str, *, body_selector: str | None = None) -> str:
    """The report body of an HTML page as text, one block a line."""
    if not html.strip():
        return ""
    doc = lxml.html.fromstring(html)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    nodes = doc.cssselect(body_selector) if body_selector else []
    root = nodes[0] if nodes else doc
    return clean_text("\n".join(t for t in root.itertext()))
