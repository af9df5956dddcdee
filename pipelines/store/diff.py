"""What changed between two versions of a report: the text, line by line and within lines, and the metrics.

Pure functions over cleaned texts and metric records, no database. Metrics are matched by what
they say (name, evidence, value), never by their position: an edit near the top of a report moves
every later offset and sequence number, and a reordered report moves whole paragraphs, yet neither
changes an indicator. A changed number inside an unchanged sentence is one *changed* indicator,
not one removed and one added.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import pairwise
from typing import Any, Literal, Protocol

# --- metrics ---------------------------------------------------------------------------------------------------


class MetricLike(Protocol):
    """What the diff reads of a metric: a stored MetricRow and an extracted Metric both qualify."""

    @property
    def name(self) -> str: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def unit(self) -> str: ...
    @property
    def qualifier(self) -> str: ...
    @property
    def target(self) -> bool: ...
    @property
    def evidence(self) -> str: ...


@dataclass(frozen=True, slots=True)
class MetricFact:
    """One indicator as a version states it: the fields a reader compares, without offsets or sequence."""

    name: str
    value: Decimal
    unit: str
    qualifier: str
    target: bool
    evidence: str

    @classmethod
    def of(cls, metric: MetricLike) -> MetricFact:
        return cls(metric.name, metric.value, metric.unit, metric.qualifier, metric.target, metric.evidence)

    @property
    def statement(self) -> tuple[str, Decimal, str, str, bool]:
        """What the indicator asserts, whatever sentence carries it."""
        return (self.name, self.value, self.unit, self.qualifier, self.target)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": json_number(self.value),
            "unit": self.unit,
            "qualifier": self.qualifier,
            "target": self.target,
            "evidence": self.evidence,
        }


COMPARED = ("name", "value", "unit", "qualifier", "target")


@dataclass(frozen=True, slots=True)
class MetricChange:
    """One indicator both versions state, with something of what it states different."""

    old: MetricFact
    new: MetricFact

    @property
    def fields(self) -> tuple[str, ...]:
        """Which of name, value, unit, qualifier and target differ (the evidence around them may differ too)."""
        return tuple(f for f in COMPARED if getattr(self.old, f) != getattr(self.new, f))

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.new.name,
            "fields": list(self.fields),
            "old": self.old.as_json(),
            "new": self.new.as_json(),
        }


@dataclass(frozen=True, slots=True)
class MetricDelta:
    """The metric deltas from one version to another; `unchanged` counts indicators stated alike in both."""

    added: tuple[MetricFact, ...]
    removed: tuple[MetricFact, ...]
    changed: tuple[MetricChange, ...]
    unchanged: int

    @property
    def count(self) -> int:
        """How many indicators changed: added + removed + changed."""
        return len(self.added) + len(self.removed) + len(self.changed)

    def as_json(self) -> dict[str, list[dict[str, object]]]:
        return {
            "added": [m.as_json() for m in self.added],
            "removed": [m.as_json() for m in self.removed],
            "changed": [c.as_json() for c in self.changed],
        }


def json_number(value: Decimal) -> int | float:
    """A decimal as a JSON number, an integer when it is one (as queries.number and Metric.as_json do)."""
    return int(value) if value == value.to_integral_value() else float(value.normalize())


# Thresholds of "the same indicator" for records whose statement differs (see _pair_score).
SAME_NAME_EVIDENCE = 0.6  # name equal: the sentences around them (numbers masked) at least this alike
SAME_EVIDENCE = 0.8  # name changed: the sentences nearly the same …
SIMILAR_NAME = 0.5  # … and the names still alike
_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*")


def diff_metrics(old: Sequence[MetricFact], new: Sequence[MetricFact]) -> MetricDelta:
    """Added, removed and changed indicators from `old` to `new`, each record used once.

    First the records stated identically in both (same sentence too) pair up, which settles a
    reordered report. The rest pair greedily by how alike they are (_pair_score): same statement
    anywhere, or same name in a similar sentence, or a nearly identical sentence around a changed
    number. What stays alone was removed or added.
    """
    pairs, rest_old, rest_new = _pair_identical(old, new)
    pairs += _pair_alike(old, new, rest_old, rest_new)
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    changed = [MetricChange(old[i], new[j]) for i, j in sorted(pairs, key=lambda p: p[1])]
    changed = [c for c in changed if c.fields]
    return MetricDelta(
        added=tuple(m for j, m in enumerate(new) if j not in paired_new),
        removed=tuple(m for i, m in enumerate(old) if i not in paired_old),
        changed=tuple(changed),
        unchanged=len(pairs) - len(changed),
    )


def _pair_identical(
    old: Sequence[MetricFact], new: Sequence[MetricFact]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of identical records, in order of appearance; the indices left on each side."""
    waiting: dict[MetricFact, deque[int]] = defaultdict(deque)
    for j, m in enumerate(new):
        waiting[m].append(j)
    pairs, rest_old = [], []
    for i, m in enumerate(old):
        queue = waiting.get(m)
        if queue:
            pairs.append((i, queue.popleft()))
        else:
            rest_old.append(i)
    taken = {j for _, j in pairs}
    return pairs, rest_old, [j for j in range(len(new)) if j not in taken]


def _pair_alike(
    old: Sequence[MetricFact], new: Sequence[MetricFact], rest_old: list[int], rest_new: list[int]
) -> list[tuple[int, int]]:
    """Greedy pairing of the remaining records, the most alike pairs first."""
    similarity = _EvidenceSimilarity()
    candidates = []
    for i in rest_old:
        for j in rest_new:
            score = _pair_score(old[i], new[j], similarity)
            if score is not None:
                # Position only breaks ties (two equal-looking records in one sentence), never decides.
                candidates.append((-score, abs(i - j), i, j))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    return pairs


def _pair_score(a: MetricFact, b: MetricFact, similarity: _EvidenceSimilarity) -> float | None:
    """How surely `a` and `b` are one indicator (higher is surer), or None when they are not.

    They are when they state the same thing (anywhere: a sentence reworded around it), when the
    name is the same and the sentence around it is alike, or when the sentence is nearly the same
    with the number in the same unit and a name still alike (the edit touched the name too). The
    sentence's similarity leads the score, so a number changed in place outranks an equal
    statement found in an unrelated sentence.
    """
    same_statement = a.statement == b.statement
    same_name = a.name == b.name
    if not (same_statement or same_name or a.unit == b.unit):
        return None
    evidence = similarity(a.evidence, b.evidence)
    if same_statement:
        return evidence + 0.5 + 0.25
    if same_name:
        return evidence + 0.25 if evidence >= SAME_NAME_EVIDENCE else None
    if evidence >= SAME_EVIDENCE and _ratio(a.name, b.name) >= SIMILAR_NAME:
        return evidence
    return None


class _EvidenceSimilarity:
    """Similarity of two evidence sentences with their numbers masked, cached: a sentence often
    carries several indicators, so the same pair of sentences is compared again and again."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], float] = {}

    def __call__(self, a: str, b: str) -> float:
        if (a, b) not in self._seen:
            self._seen[(a, b)] = _ratio(_NUMERAL.sub("#", a), _NUMERAL.sub("#", b))
        return self._seen[(a, b)]


def _ratio(a: str, b: str) -> float:
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def metric_changes_per_version(metric_sets: Mapping[int, Sequence[MetricFact]]) -> dict[int, int | None]:
    """For each version, how many indicators changed against the version before (None for the first)."""
    numbers = sorted(metric_sets)
    counts: dict[int, int | None] = dict.fromkeys(numbers[:1])
    for before, after in pairwise(numbers):
        counts[after] = diff_metrics(metric_sets[before], metric_sets[after]).count
    return counts


# --- text ------------------------------------------------------------------------------------------------------

LineOp = Literal["removed", "added", "changed"]
Range = tuple[int, int]

# A changed line pairs with an old one when at least this alike; below it, it is a rewrite.
SAME_LINE = 0.6
# In-line diff tokens: a numeral (99.8, 1,234), a Latin word, a run of spaces, or any single character
# (Chinese has no spaces to split on). A changed number is highlighted whole: 99.8 → 99.9, not 8 → 9.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+|\s+|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class LineDiff:
    """One removed, added or changed line; numbers count from 1 in their own version.

    A changed line has both texts and the character ranges [start, end) that differ in each.
    """

    op: LineOp
    old_no: int | None
    new_no: int | None
    old: str | None
    new: str | None
    old_changes: tuple[Range, ...] = ()
    new_changes: tuple[Range, ...] = ()

    def as_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        row["old_changes"] = [list(r) for r in self.old_changes]
        row["new_changes"] = [list(r) for r in self.new_changes]
        return row


def diff_text(old: str, new: str) -> tuple[LineDiff, ...]:
    """The lines that differ between two cleaned texts, in reading order.

    Within a block of differing lines an old line and a new one pair up as *changed* when they are
    alike (an edited sentence); the rest are removed or added.
    """
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[LineDiff] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.extend(_block(a, i1, i2, b, j1, j2))
    return tuple(out)


def _block(a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int) -> Iterator[LineDiff]:
    """A differing block: split around its most alike pair of lines, as difflib.Differ does."""
    best = _most_alike(a, i1, i2, b, j1, j2)
    if best is None:
        yield from (LineDiff("removed", i + 1, None, a[i], None) for i in range(i1, i2))
        yield from (LineDiff("added", None, j + 1, None, b[j]) for j in range(j1, j2))
        return
    i, j = best
    yield from _block(a, i1, i, b, j1, j)
    old_changes, new_changes = inline_changes(a[i], b[j])
    yield LineDiff("changed", i + 1, j + 1, a[i], b[j], old_changes, new_changes)
    yield from _block(a, i + 1, i2, b, j + 1, j2)


def _most_alike(a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int) -> tuple[int, int] | None:
    best, where = SAME_LINE, None
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j in range(j1, j2):
        matcher.set_seq2(b[j])
        for i in range(i1, i2):
            matcher.set_seq1(a[i])
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best and matcher.ratio() > best:
                best, where = matcher.ratio(), (i, j)
    return where


def inline_changes(old: str, new: str) -> tuple[tuple[Range, ...], tuple[Range, ...]]:
    """The character ranges that differ within a changed line, in the old and in the new text."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    a_at, b_at = _offsets(a), _offsets(b)
    old_ranges: list[Range] = []
    new_ranges: list[Range] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            _add_range(old_ranges, a_at[i1], a_at[i2])
        if j2 > j1:
            _add_range(new_ranges, b_at[j1], b_at[j2])
    return tuple(old_ranges), tuple(new_ranges)


def _offsets(tokens: list[str]) -> list[int]:
    """Character offset of each token, and the length of the line at the end."""
    at = [0]
    for token in tokens:
        at.append(at[-1] + len(token))
    return at


def _add_range(ranges: list[Range], start: int, end: int) -> None:
    if ranges and ranges[-1][1] == start:
        ranges[-1] = (ranges[-1][0], end)
    else:
        ranges.append((start, end))


def unified_diff(old: str, new: str, from_label: str, to_label: str, context: int = 3) -> str:
    """A plain unified diff of two cleaned texts, for patch tools and eyes without colour."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), from_label, to_label, n=context, lineterm="")
    text = "\n".join(lines)
    return text + "\n" if text else ""
