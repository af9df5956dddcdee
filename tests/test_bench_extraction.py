"""bench/extraction.py still runs end to end and prints its tables; its fold and confidence arithmetic.

Two small documents (a report text of ../shared/corpus and a page of ../shared/corpus-html, neither
in the held-out fold 0), linked (never copied) into a temporary folder, keep it fast; `--no-peer`
keeps it independent of trafilatura and Recognizers-Text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import extraction

SHARED = Path(__file__).resolve().parents[2] / "shared"
DOCUMENTS = (("corpus", "webB-05", ".txt"), ("corpus-html", "11", ".html"))  # folds 2 and 4


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason=f"{SHARED} is not there")
def test_bench_prints_every_table_for_a_text_and_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder, name, suffix in DOCUMENTS:
        for ext in (suffix, ".gold.jsonl"):
            (tmp_path / f"{name}{ext}").symlink_to(SHARED / folder / f"{name}{ext}")

    assert extraction.main(["--corpus", str(tmp_path), "--no-peer"]) == 0

    out = capsys.readouterr().out
    assert "2 documents (mixed: 1 HTML, 1 text)" in out
    assert any(line.strip("│ ").startswith("govreports ") for line in out.splitlines())
    assert "scaling, every text joined, ms per 5,000 chars: ×1" in out
    assert "held-out (fold 0, never inspected)" in out
    assert "held-out: fold 0 has no documents here" in out  # neither document is in fold 0
    assert "targets: micro F1" in out  # a set with pages gets the page targets
    assert "k-fold by document (k=5" in out
    assert "no confidence yet" in out or "decile of confidence" in out
    assert "Recognizers" not in out  # --no-peer


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason=f"{SHARED} is not there")
def test_bench_prints_deciles_once_metrics_carry_confidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, name, suffix = DOCUMENTS[1]
    for ext in (suffix, ".gold.jsonl"):
        (tmp_path / f"{name}{ext}").symlink_to(SHARED / folder / f"{name}{ext}")
    plain = extraction.govreports

    def with_confidence(text: str) -> list[dict[str, object]]:
        return [{**record, "confidence": i / 10 % 1} for i, record in enumerate(plain(text))]

    monkeypatch.setattr(extraction, "govreports", with_confidence)
    assert extraction.main(["--corpus", str(tmp_path), "--no-peer"]) == 0

    out = capsys.readouterr().out
    assert "errors by decile of confidence (lowest first)" in out and "wrong records" in out
    assert "confidence: " in out and "no confidence yet" not in out


def test_bench_skips_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scorer = SHARED / "tools" / "score_metrics.py"
    args = ["--corpus", str(tmp_path / "absent"), "--no-peer", "--scorer", str(scorer)]
    assert extraction.main(args) == 0
    assert "skipped" in capsys.readouterr().out


def test_fold_is_sha1_of_the_name_mod_5() -> None:
    names = ("000_7b2ae09d6d14897e", "webA-06", "02", "11", "webB-05")
    assert [extraction.fold_of(name) for name in names] == [0, 0, 0, 4, 2]
    assert {extraction.fold_of(f"doc-{i}") for i in range(50)} == set(range(5))


def test_deciles_rank_predictions_and_count_false_positives() -> None:
    # 100 predictions: the 10 least confident are all wrong, one more error among the rest
    predictions: list[tuple[float | None, bool]] = [(i / 100, i < 10 or i == 50) for i in range(100)]
    deciles = extraction.confidence_deciles(list(reversed(predictions)))  # order of input does not matter

    assert deciles is not None
    assert [d.predictions for d in deciles] == [10] * 10
    assert deciles[0].errors == 10 and deciles[0].low == 0.0 and deciles[0].high == 0.09
    assert sum(d.errors for d in deciles) == 11
    assert "holds most of the false positives (91% of 11" in extraction.confidence_line(deciles)


def test_no_deciles_without_confidence() -> None:
    assert extraction.confidence_deciles([(None, True), (0.5, False)]) is None
    assert extraction.confidence_deciles([]) is None


def test_a_found_record_with_a_wrong_name_counts_as_a_wrong_record() -> None:
    scorer = extraction.load_scorer(SHARED / "tools" / "score_metrics.py")
    if scorer is None:
        pytest.skip("the official scorer is not in ../shared")
    gold = [
        {
            "name": "网上可办率",
            "value": 98.5,
            "unit": "%",
            "qualifier": "exact",
            "text": "可办率为98.5%",
            "target": False,
        }
    ]
    right = {**gold[0], "evidence": "全区网上可办率为98.5%。"}
    misnamed = {**right, "name": "全区按程序调整"}
    assert extraction.wrongly_read(gold, [right], scorer) == set()
    assert extraction.wrongly_read(gold, [misnamed], scorer) == {id(misnamed)}


def test_a_prediction_matching_an_optional_gold_record_is_neither_error_nor_success_in_the_deciles() -> None:
    scorer = extraction.load_scorer(SHARED / "tools" / "score_metrics.py")
    if scorer is None:
        pytest.skip("the official scorer is not in ../shared")
    required = {"name": "办件量", "value": 120, "unit": "件", "qualifier": "exact", "text": "办件120件"}
    optional = {"name": "窗口", "value": 3, "unit": "个", "qualifier": "exact", "text": "3个窗口", "optional": True}
    found = {**required, "evidence": "全年办件120件。"}
    borderline = {**optional, "evidence": "设3个窗口。"}
    stray = {**required, "value": 7, "evidence": "另有7件。"}
    predictions = [borderline, found, stray]
    scores = scorer.score_doc([required, optional], predictions)
    false_positives = {id(p) for p in scores["false_positives"]}

    pairs = extraction.matched([required, optional], predictions, scorer)
    assert extraction.counted(predictions, false_positives, pairs) == [found, stray]


def test_the_held_out_check_says_how_far_the_folds_figure_can_move_by_chance() -> None:
    def figures(names: float, gold: int) -> extraction.Figures:
        return extraction.Figures(gold // 20, gold, 1.0, 1.0, 1.0, 1.0, names, 1.0, 1.0, None)

    line = extraction.held_out_check(figures(0.93, 500), figures(0.90, 100))
    assert "largest gap names -0.030 MISSED" in line and "known to ±0.030, one standard error" in line
