"""Metric extraction quality and speed, govreports against an off-the-shelf peer, in one table.

    python bench/extraction.py [--corpus ../shared/corpus]

Peer: Microsoft Recognizers-Text (PyPI `recognizers-text-suite`, needs `emoji<1.0`), Chinese
number and percentage models, used the way a user would: each recognised number followed by a
unit word becomes a metric (the unit list is govreports' own, so the comparison is about
finding and reading numbers). Scored with the official scorer's own functions.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

from pipelines.clean import clean_text  # noqa: E402
from pipelines.metric_vocab import UNIT_PATTERN, UNITS  # noqa: E402
from pipelines.metrics import EXTRACTOR_VERSION, extract_metrics  # noqa: E402
from pipelines.textnorm import shadow  # noqa: E402

Extractor = Callable[[str], list[dict[str, Any]]]


def load_scorer(path: Path) -> ModuleType:
    """The official scorer, imported from its path (its functions are reused, never copied)."""
    spec = importlib.util.spec_from_file_location("score_metrics", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"bench: no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def govreports(text: str) -> list[dict[str, Any]]:
    return [m.as_json() for m in extract_metrics(text)]


def recognizers_peer() -> Extractor | None:
    try:
        from recognizers_number import Culture, recognize_number, recognize_percentage
    except ImportError:
        return None

    def extract(text: str) -> list[dict[str, Any]]:
        norm = shadow(text)
        out: list[dict[str, Any]] = []
        percents: set[int] = set()
        for result in recognize_percentage(text, Culture.Chinese):
            percents.add(result.start)
            value = str(result.resolution.get("value", "")).rstrip("%")
            out.append(
                {
                    "name": "",
                    "value": value,
                    "unit": "%",
                    "qualifier": "exact",
                    "target": False,
                    "evidence": _sentence(text, result.start),
                }
            )
        for result in recognize_number(text, Culture.Chinese):
            unit = UNIT_PATTERN.match(norm, result.end + 1)
            if result.start in percents or unit is None:
                continue
            out.append(
                {
                    "name": "",
                    "value": result.resolution.get("value"),
                    "unit": UNITS[unit.group(0)],
                    "qualifier": "exact",
                    "target": False,
                    "evidence": _sentence(text, result.start),
                }
            )
        return out

    return extract


def _sentence(text: str, at: int) -> str:
    left = max(text.rfind(c, 0, at) for c in "。；\n") + 1
    ends = [i for i in (text.find(c, at) for c in "。；\n") if i >= 0]
    right = min(ends) + 1 if ends else len(text)
    if right - left > 280:
        left, right = max(left, at - 120), min(right, at + 120)
    return text[left:right]


def evaluate(scorer: ModuleType, corpus: Path, extract: Extractor) -> dict[str, float]:
    total: Counter[str] = Counter()
    times = []
    for doc in sorted(corpus.glob("*.txt")):
        gold_path = doc.with_suffix(".gold.jsonl")
        if not gold_path.exists():
            continue
        golds = scorer.load_jsonl(gold_path.read_text(encoding="utf-8"), doc.name)
        text = clean_text(doc.read_text(encoding="utf-8"))
        started = time.perf_counter()
        preds = extract(text)
        times.append((time.perf_counter() - started) * 1000)
        scores = scorer.score_doc(golds, preds)
        for key in ("gold", "predicted", "matched", "name_ok", "qualifier_ok", "target_ok"):
            total[key] += scores[key]
    summary: dict[str, float] = scorer.summarise(total)
    summary["ms_per_doc"] = statistics.median(times)
    return summary


def five_thousand_chars_ms(extract: Extractor, corpus: Path) -> float:
    """Median of 50 runs on a 5,000-character report: the corpus's longest document (repeated
    if shorter), single-threaded, after one warm-up run."""
    longest = max((p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")), key=len)
    text = clean_text(longest)
    text = (text * (5000 // max(1, len(text)) + 1))[:5000]
    extract(text)
    runs = []
    for _ in range(50):
        started = time.perf_counter()
        extract(text)
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--scorer", type=Path, default=None, help="score_metrics.py (default: CORPUS/../tools/)")
    args = parser.parse_args()
    scorer = load_scorer(args.scorer or args.corpus.parent / "tools" / "score_metrics.py")
    console = Console(width=150)
    contenders: list[tuple[str, Extractor]] = [("govreports", govreports)]
    peer = recognizers_peer()
    if peer is None:
        console.print("skipped: Recognizers-Text (pip install recognizers-text-suite 'emoji<1.0')")
    else:
        contenders.append(("Recognizers-Text (zh number+percentage)", peer))
    table = Table(title=f"metric extraction on {args.corpus} (govreports extractor {EXTRACTOR_VERSION})")
    for column in (
        "extractor",
        "precision",
        "recall",
        "F1",
        "name acc",
        "qualifier acc",
        "target acc",
        "ms/doc (median)",
        "ms / 5,000 chars",
    ):
        table.add_column(column, justify="right")
    for label, extract in contenders:
        s = evaluate(scorer, args.corpus, extract)
        table.add_row(
            label,
            f"{s['precision']:.3f}",
            f"{s['recall']:.3f}",
            f"{s['f1']:.3f}",
            f"{s['name_acc']:.3f}",
            f"{s['qualifier_acc']:.3f}",
            f"{s['target_acc']:.3f}",
            f"{s['ms_per_doc']:.2f}",
            f"{five_thousand_chars_ms(extract, args.corpus):.2f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
