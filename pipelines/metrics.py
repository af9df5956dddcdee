"""Metric extraction by ../shared/spec/metrics-annotation.md (stub: replaced by the extraction work)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Qualifier = Literal["exact", "about", "over", "under"]

EXTRACTOR_VERSION = "0.0.1"


@dataclass(frozen=True, slots=True)
class Metric:
    """One quantitative fact a report asserts.

    `start`/`end` are offsets of the number-with-unit in the text given to `extract_metrics`,
    `evidence` the sentence (at most 300 characters) around it.
    """

    name: str
    value: Decimal
    unit: str
    qualifier: Qualifier
    target: bool
    evidence: str
    start: int
    end: int

    def as_json(self) -> dict[str, object]:
        """The record as the official scorer reads it (value as a JSON number)."""
        value: int | float = int(self.value) if self.value == self.value.to_integral_value() else float(self.value)
        return {
            "name": self.name,
            "value": value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "target": self.target,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
        }


def extract_metrics(text: str) -> list[Metric]:
    """Every metric of `text`, in order of appearance."""
    import re

    out: list[Metric] = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)(%|个|项|件|人次|人|元)", text):
        s = max(0, m.start() - 20)
        out.append(Metric("", Decimal(m.group(1)), m.group(2), "exact", False, text[s : m.end() + 5], m.start(), m.end()))
    return out
