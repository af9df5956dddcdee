"""The text layer of cleaning: a page given as text, furniture lines out, body lines kept.

HTML pages are read by `pipelines.article` (main content, metadata), whose body lines end here
too. Line rules live in `pipelines.furniture` as data.
"""

from __future__ import annotations

from pipelines.furniture import is_furniture
from pipelines.textnorm import shadow


def clean_text(text: str) -> str:
    """The report body of a plain-text page: furniture lines out, body lines kept."""
    text = "\n".join(text.splitlines())  # every line break Python knows (\r, \x1e, \u2028 …) as \n
    raw_lines = text.split("\n")
    shadow_lines = shadow(text).split("\n")  # one conversion for the page; same length, same lines
    kept = []
    for raw, simplified in zip(raw_lines, shadow_lines, strict=True):
        line = "\t".join(" ".join(cell.split()) for cell in raw.split("\t")).strip()
        if line and not is_furniture(simplified):
            kept.append(line)
    return "\n".join(kept)
