"""bench/confidence_fit.py fits the weights of pipelines.confidence: its fit, its writer, and a run.

The run uses two small documents of ../shared (folds 2 and 4), linked into a temporary folder, and
never --write: a test must not change the shipped weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench import confidence_fit
from pipelines import confidence

SHARED = Path(__file__).resolve().parents[2] / "shared"
DOCUMENTS = (("corpus", "webB-05", ".txt"), ("corpus-html", "11", ".html"))


def test_the_fit_weighs_the_sign_that_marks_wrong_records() -> None:
    rng = np.random.default_rng(7)
    signs = rng.integers(0, 2, size=(600, 3)).astype(float)
    wrong = (signs[:, 1] == 1) & (rng.random(600) < 0.6)  # only the second sign says anything
    bias, weights = confidence_fit.fit(signs, wrong)
    assert weights[1] > 1.0 and abs(weights[0]) < 0.5 and abs(weights[2]) < 0.5 and bias < 0


def test_the_writer_gives_back_the_shipped_block_from_the_shipped_weights() -> None:
    text = Path(confidence.__file__).read_text(encoding="utf-8")
    assert confidence_fit.written(text, (confidence.BIAS, np.array(confidence.WEIGHTS))) == text


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason=f"{SHARED} is not there")
def test_a_run_prints_the_out_of_document_tables_and_leaves_the_weights_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder, name, suffix in DOCUMENTS:
        for ext in (suffix, ".gold.jsonl"):
            (tmp_path / f"{name}{ext}").symlink_to(SHARED / folder / f"{name}{ext}")
    module = Path(confidence.__file__)
    before = module.read_text(encoding="utf-8")

    assert confidence_fit.main(["--corpus", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "each document left out of the fit" in out and "log-odds of a wrong" in out
    assert module.read_text(encoding="utf-8") == before
