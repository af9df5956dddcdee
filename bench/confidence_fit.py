"""Fit the weights of pipelines.confidence, and show how the model ranks wrong records on documents
it was not fitted on.

    python bench/confidence_fit.py            # fit, print the out-of-document tables and the weights
    python bench/confidence_fit.py --write    # also write the weights into pipelines/confidence.py

Rows are the records govreports extracts from ../shared/corpus and ../shared/corpus-html, each with
the signs pipelines.confidence.features reads and a label: wrong (a false positive, or found with a
wrong name, qualifier or target, as bench/extraction.py counts them) or right. The model is a
logistic regression (L2 penalty) of "wrong"; confidence is one minus its probability. A record that
matches an optional gold record (a borderline item) is fitted as right, an analyst keeps it, but is left
out of the decile tables, as the scorer leaves it out of its counts.

Only folds 1–4 are fitted on; fold 0 (sha1(name) % 5 == 0) stays held out, as for every rule of
extraction. Two out-of-document views are printed: leave one document out over folds 1–4 (each
document rated by a model fitted on the others), and fold 0 rated by the model fitted on folds 1–4.
After a change to extraction, run it again with --write: the labels move with the extractor.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import extraction
from pipelines import confidence, metrics

L2 = 1.0
STEPS = 50  # Newton steps; it converges in about ten
MODULE = Path(confidence.__file__)


@dataclass(frozen=True)
class Rows:
    """Every record of the sets: its document, signs, and whether it is a false positive or wrong at all."""

    documents: list[str]
    folds: np.ndarray
    pages: np.ndarray
    signs: np.ndarray
    false_positive: np.ndarray
    wrong: np.ndarray
    scored: np.ndarray  # False where it matches an optional gold record: neither right nor wrong to the scorer


@contextmanager
def recorded_signs() -> Iterator[list[tuple[int, tuple[float, ...]]]]:
    """The signs of each record as extraction rates it, in the order it rates them."""
    seen: list[tuple[int, tuple[float, ...]]] = []
    rate = metrics.confidence_of  # type: ignore[attr-defined]  # pipelines.confidence.confidence, as imported there

    def recording(norm: str, *fields: Any) -> float:
        record = confidence.Record(*fields)
        seen.append((record.start, confidence.features(norm, record)))
        return float(rate(norm, *fields))

    metrics.confidence_of = recording  # type: ignore[attr-defined,assignment]
    try:
        yield seen
    finally:
        metrics.confidence_of = rate  # type: ignore[attr-defined]


def rows_of(folders: Sequence[Path], scorer: object) -> Rows:
    documents: list[str] = []
    folds, pages, signs, false_positive, wrong, scored = [], [], [], [], [], []
    for folder in folders:
        for doc in extraction.documents(folder, scorer):  # type: ignore[arg-type]
            text = extraction.govreports_text(doc)
            with recorded_signs() as seen:
                found = metrics.extract_metrics(text, title=getattr(text, "page_title", ""))
            # extract_metrics sorts its records by start, stably: the order they were rated in, sorted alike
            rated = sorted(seen, key=lambda s: s[0])
            assert [start for start, _ in rated] == [m.start for m in found], doc.name
            predictions = [m.as_json() for m in found]
            scores = scorer.score_doc(doc.golds, predictions)  # type: ignore[attr-defined]
            fp = {id(p) for p in scores["false_positives"]}
            flawed = fp | extraction.wrongly_read(doc.golds, predictions, scorer)  # type: ignore[arg-type]
            pairs = extraction.matched(doc.golds, predictions, scorer)  # type: ignore[arg-type]
            counted = {id(p) for p in extraction.counted(predictions, fp, pairs)}
            for prediction, (_, record_signs) in zip(predictions, rated, strict=True):
                documents.append(doc.name)
                folds.append(doc.fold)
                pages.append(doc.is_page)
                signs.append(record_signs)
                false_positive.append(id(prediction) in fp)
                wrong.append(id(prediction) in flawed)
                scored.append(id(prediction) in counted)
    return Rows(
        documents,
        np.array(folds),
        np.array(pages, dtype=bool),
        np.array(signs, dtype=float).reshape(len(documents), len(confidence.FEATURES)),
        np.array(false_positive, dtype=bool),
        np.array(wrong, dtype=bool),
        np.array(scored, dtype=bool),
    )


def fit(signs: np.ndarray, wrong: np.ndarray) -> tuple[float, np.ndarray]:
    """(bias, weights): the log-odds that a record is wrong, by Newton's method on the L2-penalised
    likelihood. The penalty is on the signs as they are, not standardised, so a sign seen on a handful
    of records (a colloquial range) keeps a weight near 0 instead of one fitted to those few."""
    design = np.hstack([np.ones((len(signs), 1)), signs])
    penalty = np.diag([0.0] + [L2] * signs.shape[1])  # the bias is not penalised
    labels = wrong.astype(float)
    theta = np.zeros(design.shape[1])
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-(design @ theta)))
        gradient = design.T @ (p - labels) + penalty @ theta
        hessian = design.T @ (design * (p * (1.0 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(theta[0]), theta[1:]


def rated(signs: np.ndarray, model: tuple[float, np.ndarray]) -> np.ndarray:
    """Confidence as pipelines.confidence computes it: the probability of right, to two decimals."""
    bias, weights = model
    return np.asarray(np.round(1.0 / (1.0 + np.exp(signs @ weights + bias)), 2), dtype=float)


def left_out(rows: Rows, keep: np.ndarray) -> np.ndarray:
    """Each document's records rated by a model fitted on the other kept documents."""
    scores = np.full(len(rows.documents), np.nan)
    documents = np.array(rows.documents)
    for name in sorted(set(documents[keep])):
        mine = documents == name
        scores[mine] = rated(rows.signs[mine], fit(rows.signs[keep & ~mine], rows.wrong[keep & ~mine]))
    return scores


def decile_tables(title: str, scores: np.ndarray, rows: Rows, mask: np.ndarray, console: Console) -> None:
    """Where the false positives and wrong records fall by decile, among the scored records of `mask` (as
    bench/extraction.py counts them); calibration over all of them, each counted right unless wrong."""
    calibrated = mask
    mask = mask & rows.scored
    ranked = scores[mask].tolist()
    fp = extraction.confidence_deciles(list(zip(ranked, rows.false_positive[mask].tolist(), strict=True)))
    wrong = extraction.confidence_deciles(list(zip(ranked, rows.wrong[mask].tolist(), strict=True)))
    if fp is None or wrong is None:
        console.print(f"{title}: no records")
        return
    table = extraction.confidence_table(fp, wrong)
    table.title = title
    console.print(table)
    console.print(extraction.confidence_line(fp))
    console.print(extraction.confidence_line(wrong, "wrong records"))
    right = ~rows.wrong[calibrated]
    console.print(
        f"calibration: mean confidence {scores[calibrated].mean():.3f}, share right {right.mean():.3f} "
        f"({calibrated.sum()} records, {len(set(np.array(rows.documents)[calibrated]))} documents)"
    )


def weights_table(model: tuple[float, np.ndarray]) -> Table:
    table = Table(title="fitted on folds 1–4: log-odds of a wrong record")
    table.add_column("sign")
    table.add_column("weight", justify="right")
    table.add_row("(bias)", f"{model[0]:+.3f}")
    for name, weight in zip(confidence.FEATURES, model[1], strict=True):
        table.add_row(name, f"{weight:+.3f}")
    return table


def written(module_text: str, model: tuple[float, np.ndarray]) -> str:
    """The module's text with the fitted block replaced by `model`."""
    lines = "".join(f"    {w:.4f},  # {name}\n" for name, w in zip(confidence.FEATURES, model[1], strict=True))
    block = f"# fitted: begin\nBIAS = {model[0]:.4f}\nWEIGHTS: tuple[float, ...] = (\n{lines})\n# fitted: end"
    replaced, count = re.subn(r"# fitted: begin\n.*?# fitted: end", lambda _: block, module_text, flags=re.DOTALL)
    if count != 1:
        raise SystemExit(f"{MODULE}: no single '# fitted: begin … # fitted: end' block to replace")
    return replaced


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", help="a set folder; repeat (default: both sets)")
    parser.add_argument("--scorer", type=Path, default=extraction.SHARED / "tools" / "score_metrics.py")
    parser.add_argument("--write", action="store_true", help=f"write the fitted weights into {MODULE}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, console_factory: Callable[[], Console] | None = None) -> int:
    args = parse_args(argv)
    console = console_factory() if console_factory else Console(width=140)
    scorer = extraction.load_scorer(args.scorer)
    if scorer is None:
        console.print(f"skipped: no official scorer at {args.scorer} (../shared is not there?)")
        return 0
    defaults = [extraction.SHARED / "corpus", extraction.SHARED / "corpus-html"]
    folders = [folder for folder in (args.corpus or defaults) if folder.is_dir()]
    rows = rows_of(folders, scorer)
    tuning = rows.folds != extraction.HELD_OUT_FOLD
    if not tuning.any():
        console.print("skipped: no documents outside the held-out fold to fit on")
        return 0
    model = fit(rows.signs[tuning], rows.wrong[tuning])
    lodo = left_out(rows, tuning)
    for label, kind in (("report texts", ~rows.pages), ("whole pages", rows.pages)):
        decile_tables(f"{label}, folds 1–4, each document left out of the fit", lodo, rows, tuning & kind, console)
        held = ~tuning & kind
        if held.any():
            title = f"{label}, held-out fold 0, fitted on folds 1–4"
            decile_tables(title, rated(rows.signs, model), rows, held, console)
    console.print(weights_table(model))
    if args.write:
        MODULE.write_text(written(MODULE.read_text(encoding="utf-8"), model), encoding="utf-8")
        console.print(f"wrote the weights into {MODULE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
