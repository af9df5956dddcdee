"""Indicator names: do a word segmenter's boundaries or a part-of-speech tagger find the noun phrase better
than the character rules of pipelines/metric_names.py?

    python bench/name_boundaries.py                 # ../shared/corpus, then ../shared/corpus-html
    python bench/name_boundaries.py --corpus DIR    # another folder (repeat for several sets)
    python bench/name_boundaries.py --no-thulac     # leave out THULAC (its model takes ~6 s and >1 GB to load)

Each document is read and extracted once, exactly as bench/extraction.py does (its loading, decoding
and reading functions are imported, not copied); then every variant rewrites the name of each metric
and the records are scored by `score_doc` of ../shared/tools/score_metrics.py. Matching does not
depend on the name, so every variant is scored on the same matched metrics: `names` is the scorer's
name_acc over them, and Δ is against the names govreports gives today (the baseline).

A name is rewritten only where it can be found: the occurrence of the name in the Simplified shadow
of the text nearest to the number (the name of `贷款额度上限` is looked for without 上限, which
extraction appended). A name that is not a substring (composed from several places) is left as is.
The segmenter reads the clause around the name (to the clause breaks, at most 30 characters beyond
each edge). Variants:

  snap S/E     the start (S) and end (E) of the name moved to a word boundary when they fall inside a
               word: `extend` to the word's outer edge, `trim` to its inner edge;
  pos ...      after snapping both edges outward, leading and trailing words whose part of speech is
               in the listed classes are dropped (at least two characters are kept): d adverb, p
               preposition, c conjunction, u auxiliary, v verb (not vn, a verb used as a noun).

Segmenters: jieba (dictionary in its wheel), jieba.posseg, THULAC (models in its wheel); spacy-pkuseg
is reported as skipped when its model is not on disk: its wheel ships none and downloads it on first
use. Costs: ms of the renaming step (segmenting and snapping) per 5,000 characters of text given to
the extractor, and, in a fresh interpreter, the seconds and resident memory that importing the
segmenter and segmenting one sentence add.

Nothing here is tuned on a document: the rules are word boundaries and POS classes. The k-fold table
(fold = sha1(name) % 5, bench.extraction.fold_of) shows Δ per fold, so a gain carried by one
document stands out.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

from bench.extraction import (  # noqa: E402
    CHARS,
    FOLDS,
    SHARED,
    Document,
    documents,
    govreports_text,
    load_scorer,
)
from pipelines.metrics import Metric, extract_metrics  # noqa: E402
from pipelines.textnorm import shadow  # noqa: E402

Token = tuple[int, int, str]  # start, end (offsets in the text), part of speech ("" when the segmenter has none)
Segment = Callable[[str], list[tuple[str, str]]]  # a clause -> its words with their POS, in order

_BREAK = re.compile(r"[，,。；;：:！？!?\n、（()）\s]")
_APPENDED = ("上限", "下限")  # what extraction adds to a name found in the text (pipelines/metrics.py)
REACH_BEFORE, REACH_AFTER = 160, 80  # where a name is looked for around its number
CONTEXT = 30  # characters of clause the segmenter sees beyond each edge of the name
FUNCTION = frozenset("dpcu")  # POS classes by their first letter: adverb, preposition, conjunction, auxiliary


# ---------------------------------------------------------------- segmenters


@dataclass(frozen=True)
class Segmenter:
    label: str
    segment: Segment
    probe: str  # code run in a fresh interpreter to measure import time and memory
    has_pos: bool


def jieba_words() -> Segment:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    return lambda clause: [(word, "") for word in jieba.cut(clause, HMM=True)]


def jieba_pos() -> Segment:
    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    return lambda clause: [(pair.word, pair.flag) for pair in posseg.cut(clause, HMM=True)]


def thulac_pos() -> Segment:
    import thulac

    tagger = thulac.thulac()
    return lambda clause: [(word, tag) for word, tag in tagger.cut(clause)]


_JIEBA_PROBE = "import jieba; jieba.setLogLevel(60); list(jieba.cut('城镇居民人均可支配收入'))"
_POSSEG_PROBE = "import jieba, jieba.posseg as p; jieba.setLogLevel(60); list(p.cut('城镇居民人均可支配收入'))"
_THULAC_PROBE = "import thulac; thulac.thulac().cut('城镇居民人均可支配收入')"


def segmenters(with_thulac: bool, console: Console) -> list[Segmenter]:
    found = []
    try:
        found += [
            Segmenter("jieba", jieba_words(), _JIEBA_PROBE, False),
            Segmenter("jieba.posseg", jieba_pos(), _POSSEG_PROBE, True),
        ]
    except ImportError:
        console.print("skipped jieba: not installed (pip install jieba)")
    console.print(pkuseg_status())
    if with_thulac:
        try:
            console.print("loading THULAC (its models ship in the wheel; ~6 s)…")
            found.append(Segmenter("thulac", thulac_pos(), _THULAC_PROBE, True))
        except ImportError:
            console.print("skipped THULAC: not installed (pip install thulac)")
    return found


def pkuseg_status() -> str:
    """spacy-pkuseg's wheel has no segmentation model: pkuseg() downloads one, which a run here must not do."""
    try:
        from spacy_pkuseg import config
    except ImportError:
        return "skipped spacy-pkuseg: not installed"
    model = Path(config.pkuseg_home) / "spacy_ontonotes"
    if model.is_dir():
        return f"spacy-pkuseg: a model is on disk at {model}, but it was downloaded, not shipped: not benched"
    return (
        "skipped spacy-pkuseg: its wheel ships no model (pkuseg() downloads spacy_ontonotes, and postag=True "
        "a tagger, on first use), so it cannot run offline"
    )


def startup_cost(probe: str) -> tuple[float, float]:
    """Seconds and MB of peak RSS that `probe` adds to a bare interpreter (median of three runs)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    code = (
        "import re, time\n"
        "def hwm(): return int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "r0 = hwm(); t0 = time.perf_counter()\n"
        f"{probe}\n"
        "t1 = time.perf_counter(); r1 = hwm()\n"
        "print(t1 - t0, (r1 - r0) / 1024)\n"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
        seconds, mb = out.stdout.split()[-2:]  # THULAC prints a line of its own
        runs.append((float(seconds), float(mb)))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


# ---------------------------------------------------------------- finding and rewriting a name


def locate(norm: str, metric: Metric) -> tuple[int, int, str] | None:
    """(start, end, suffix) of the name's occurrence nearest to its number; the suffix is what
    extraction appended after the words it found (上限); None when the name is not in the text there."""
    lo, hi = max(0, metric.start - REACH_BEFORE), min(len(norm), metric.end + REACH_AFTER)
    window = norm[lo:hi]
    name, suffix = metric.name, ""
    if name not in window:
        for appended in _APPENDED:
            if name.endswith(appended) and len(name) - len(appended) >= 2 and name[: -len(appended)] in window:
                name, suffix = name[: -len(appended)], appended
                break
        else:
            return None
    best: tuple[int, int] | None = None
    at = window.find(name)
    while at >= 0:
        a, b = lo + at, lo + at + len(name)
        distance = metric.start - b if b <= metric.start else a - metric.end if a >= metric.end else 10**6
        if distance >= 0 and (best is None or distance < best[0]):
            best = (distance, a)
        at = window.find(name, at + 1)
    return None if best is None else (best[1], best[1] + len(name), suffix)


def clause_tokens(norm: str, a: int, b: int, segment: Segment) -> list[Token] | None:
    """The words of the clause around norm[a:b] with their offsets in norm; None if the segmenter's words
    do not add up to the clause (it dropped or changed characters)."""
    lo = max(0, a - CONTEXT)
    breaks = [m.end() for m in _BREAK.finditer(norm, lo, a)]
    lo = breaks[-1] if breaks else lo
    hi = min(len(norm), b + CONTEXT)
    stop = _BREAK.search(norm, b, hi)
    hi = stop.start() if stop else hi
    clause = norm[lo:hi]
    tokens: list[Token] = []
    at = lo
    for word, pos in segment(clause):
        tokens.append((at, at + len(word), pos))
        at += len(word)
    return tokens if at == hi and "".join(norm[s:e] for s, e, _ in tokens) == clause else None


def snap(tokens: Sequence[Token], a: int, b: int, start: str, end: str) -> tuple[int, int]:
    """Move an edge that falls inside a word to the word's outer (`extend`) or inner (`trim`) edge."""
    for s, e, _ in tokens:
        if s < a < e:
            a = s if start == "extend" else e
        if s < b < e:
            b = e if end == "extend" else s
    return a, b


def pos_trim(tokens: Sequence[Token], a: int, b: int, lead: frozenset[str], trail: frozenset[str]) -> tuple[int, int]:
    """Drop leading words of a class in `lead` and trailing words of a class in `trail` (by POS; a class
    is a tag's first letter, or `v` alone for a plain verb), keeping at least two characters."""
    inside = [t for t in tokens if a <= t[0] and t[1] <= b]

    def drop(token: Token, classes: frozenset[str]) -> bool:
        pos = token[2]
        return bool(pos) and (pos[0] in classes - {"v"} or ("v" in classes and pos == "v"))

    while len(inside) > 1 and drop(inside[0], lead) and inside[-1][1] - inside[1][0] >= 2:
        inside.pop(0)
    while len(inside) > 1 and drop(inside[-1], trail) and inside[-2][1] - inside[0][0] >= 2:
        inside.pop()
    return (inside[0][0], inside[-1][1]) if inside else (a, b)


@dataclass(frozen=True)
class Variant:
    label: str
    segmenter: Segmenter | None  # None: the baseline
    rewrite: Callable[[Sequence[Token], int, int], tuple[int, int]]
    composed: bool = False  # also the outer edges of a name composed of several runs of the text


def variants(found: Sequence[Segmenter]) -> list[Variant]:
    """Every variant once on names found whole in the text, then again also on composed names."""
    simple = _variants(found)
    return simple + [replace(v, label=v.label + " +composed", composed=True) for v in simple[1:]]


def _snapped(tokens: Sequence[Token], a: int, b: int, *, start: str, end: str) -> tuple[int, int]:
    return snap(tokens, a, b, start, end)


def _variants(found: Sequence[Segmenter]) -> list[Variant]:
    out = [Variant("baseline (character rules)", None, lambda tokens, a, b: (a, b))]
    for seg in found:
        for start, end in (("extend", "extend"), ("trim", "trim"), ("extend", "trim"), ("trim", "extend")):
            out.append(Variant(f"{seg.label}: snap S {start}, E {end}", seg, partial(_snapped, start=start, end=end)))
        if not seg.has_pos:
            continue
        for lead, trail in (
            (FUNCTION, FUNCTION),
            (FUNCTION | {"v"}, FUNCTION),
            (FUNCTION, FUNCTION | {"v"}),
            (FUNCTION | {"v"}, FUNCTION | {"v"}),
        ):
            label = f"{seg.label}: pos lead {''.join(sorted(lead))}, trail {''.join(sorted(trail))}"

            def rewrite(
                tokens: Sequence[Token], a: int, b: int, lead: frozenset[str] = lead, trail: frozenset[str] = trail
            ) -> tuple[int, int]:
                a, b = snap(tokens, a, b, "extend", "extend")
                return pos_trim(tokens, a, b, lead, trail)

            out.append(Variant(label, seg, rewrite))
    return out


def renamed(norm: str, metric: Metric, variant: Variant, composed: bool = False) -> Metric:
    """The metric with its name rewritten by `variant`; with `composed`, a name that is not one run of
    the text (local words + the noun after the number) has its first part's start and its last part's
    end rewritten, each on the words of its own clause."""
    if variant.segmenter is None:
        return metric
    where = locate(norm, metric)
    if where is None:
        return renamed_edges(norm, metric, variant) if composed else metric
    a, b, suffix = where
    tokens = clause_tokens(norm, a, b, variant.segmenter.segment)
    if not tokens:
        return metric
    a2, b2 = variant.rewrite(tokens, a, b)
    if b2 - a2 < 2 or (a2, b2) == (a, b):
        return metric
    return replace(metric, name=norm[a2:b2] + suffix)


def _part(norm: str, metric: Metric, part: str) -> tuple[int, int] | None:
    found = locate(norm, replace(metric, name=part))
    return None if found is None or found[2] else found[:2]


def renamed_edges(norm: str, metric: Metric, variant: Variant) -> Metric:
    assert variant.segmenter is not None
    name = metric.name
    head = next((k for k in range(len(name) - 1, 1, -1) if _part(norm, metric, name[:k])), 0)
    tail = next((k for k in range(len(name) - head, 1, -1) if _part(norm, metric, name[-k:])), 0)
    if not head or not tail:
        return metric
    ha, hb = _part(norm, metric, name[:head]) or (0, 0)
    ta, tb = _part(norm, metric, name[-tail:]) or (0, 0)
    head_tokens = clause_tokens(norm, ha, hb, variant.segmenter.segment)
    tail_tokens = clause_tokens(norm, ta, tb, variant.segmenter.segment)
    if not head_tokens or not tail_tokens:
        return metric
    new_ha = variant.rewrite(head_tokens, ha, hb)[0]
    new_tb = variant.rewrite(tail_tokens, ta, tb)[1]
    # only the outer edges move: the head keeps its end, the tail its start (unless a part vanishes)
    first = norm[new_ha:hb] if new_ha < hb else ""
    last = norm[ta:new_tb] if new_tb > ta else ""
    new = first + name[head : len(name) - tail] + last
    return metric if len(new) < 2 else replace(metric, name=new)


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Extracted:
    doc: Document
    text: str
    norm: str
    metrics: list[Metric]


@dataclass(frozen=True)
class Row:
    label: str
    counts: dict[int, Counter[str]]  # fold -> the scorer's counts
    ms: float  # renaming time, summed over the set
    changed: int  # names the variant rewrote


def extracted(docs: Sequence[Document]) -> list[Extracted]:
    out = []
    for doc in docs:
        text = govreports_text(doc)
        out.append(Extracted(doc, text, shadow(text), extract_metrics(text, title=getattr(text, "page_title", ""))))
    return out


def score_variant(items: Sequence[Extracted], variant: Variant, scorer: ModuleType) -> Row:
    counts: dict[int, Counter[str]] = {fold: Counter() for fold in range(FOLDS)}
    ms, changed = 0.0, 0
    for item in items:
        started = time.perf_counter()
        metrics = [renamed(item.norm, m, variant, variant.composed) for m in item.metrics]
        ms += (time.perf_counter() - started) * 1000
        changed += sum(new.name != old.name for new, old in zip(metrics, item.metrics, strict=True))
        scores = scorer.score_doc(item.doc.golds, [m.as_json() for m in metrics])
        counts[item.doc.fold].update({k: int(scores[k]) for k in ("matched", "name_ok")})
    return Row(variant.label, counts, ms, changed)


def name_acc(counts: Counter[str]) -> float | None:
    return counts["name_ok"] / counts["matched"] if counts["matched"] else None


def total(row: Row) -> Counter[str]:
    out: Counter[str] = Counter()
    for counts in row.counts.values():
        out.update(counts)
    return out


def bench_set(
    folder: Path,
    scorer: ModuleType,
    found: Sequence[Segmenter],
    costs: dict[str, tuple[float, float]],
    console: Console,
) -> list[dict[str, Any]]:
    docs = documents(folder, scorer)
    if not docs:
        console.print(f"skipped {folder}: no NAME.txt or NAME.html with NAME.gold.jsonl")
        return []
    items = extracted(docs)
    chars = sum(len(item.text) for item in items)
    rows = [score_variant(items, v, scorer) for v in variants(found)]
    base = rows[0]
    base_acc = name_acc(total(base)) or 0.0
    table = Table(title=f"{folder} — {len(docs)} documents, {total(base)['matched']} matched metrics: name accuracy")
    for column in ("variant", "names", "Δ", "folds up/down", "renamed", "ms / 5,000 chars", "import s", "RSS MB"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    folds = Table(title=f"k-fold by document (fold = sha1(name) % {FOLDS}): Δ names vs baseline per fold")
    folds.add_column("variant")
    for fold in range(FOLDS):
        counts = base.counts[fold]
        folds.add_column(f"fold {fold} ({counts['matched']} m, base {name_acc(counts) or 0:.3f})", justify="right")
    summary = []
    for row in rows:
        acc = name_acc(total(row)) or 0.0
        deltas = [
            (name_acc(row.counts[f]) or 0.0) - (name_acc(base.counts[f]) or 0.0)
            for f in range(FOLDS)
            if base.counts[f]["matched"]
        ]
        up, down = sum(d > 1e-9 for d in deltas), sum(d < -1e-9 for d in deltas)
        label = row.label.split(":")[0]
        seconds, mb = costs.get(label, (0.0, 0.0)) if row is not base else (0.0, 0.0)
        table.add_row(
            row.label,
            f"{acc:.3f}",
            "–" if row is base else f"{acc - base_acc:+.3f}",
            "–" if row is base else f"{up}/{down}",
            str(row.changed),
            f"{row.ms / chars * CHARS:.2f}" if chars else "–",
            "–" if row is base else f"{seconds:.2f}",
            "–" if row is base else f"{mb:.0f}",
        )
        if row is not base:
            folds.add_row(row.label, *(f"{d:+.3f}" for d in deltas))
        summary.append({"set": str(folder), "variant": row.label, "names": acc, "delta": acc - base_acc, "up": up})
    console.print(table)
    console.print(folds)
    console.print()
    return summary


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", help="a folder of NAME.txt / NAME.html + gold")
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_metrics.py")
    parser.add_argument("--no-thulac", action="store_true", help="leave out THULAC (slow to load, >1 GB)")
    parser.add_argument("--json", type=Path, help="also write the summary rows to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=200)
    scorer = load_scorer(args.scorer)
    if scorer is None:
        console.print(f"skipped: no official scorer at {args.scorer}; nothing to score")
        return 0
    found = segmenters(not args.no_thulac, console)
    costs = {seg.label: startup_cost(seg.probe) for seg in found}
    summary = []
    for folder in args.corpus or [SHARED / "corpus", SHARED / "corpus-html"]:
        if not folder.is_dir():
            console.print(f"skipped {folder}: not there")
            continue
        summary += bench_set(folder, scorer, found, costs, console)
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
