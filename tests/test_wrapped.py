"""Text laid out in a column (a PDF's lines, a fixed-width report) rejoined into its sentences.

Every text here is invented: a paragraph is laid out the way a PDF does, each line filled to the same
width (a Chinese character counting one, a digit half of one), and a page number printed between pages."""

from __future__ import annotations

from pipelines.clean import clean_text
from pipelines.metrics import extract_metrics
from pipelines.wrapped import unwrap, width

PARAGRAPHS = [
    "一、主要工作完成情况",
    "今年以来，全区上下紧紧围绕年度目标任务，扎实推进各项重点工作，政务服务事项网上可办率持续提升，"
    "全年共受理各类政务服务事项86420件，按时办结率达到99.6%，群众满意度保持在较高水平。",
    "（一）深化改革。推行承诺制审批，压缩审批时限，企业开办时间压减至1个工作日，"
    "新增市场主体3215户，同比增长12.4%，营商环境持续优化，获得感进一步增强。",
]


def laid_out(paragraphs: list[str], column: float = 20.0, page_lines: int = 0) -> str:
    """The paragraphs as a layout prints them: lines filled to `column`, a page number every `page_lines`."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line = ""
        for character in paragraph:
            if width(line + character) > column:
                lines.append(line)
                line = ""
            line += character
        lines.append(line)
    if page_lines:
        numbered = []
        for i, line in enumerate(lines, 1):
            numbered.append(line)
            if i % page_lines == 0:
                numbered.append(f"— {i // page_lines} —")
        lines = numbered
    return "\n".join(lines)


def test_lines_a_layout_broke_inside_sentences_are_joined_into_their_paragraphs() -> None:
    assert unwrap(laid_out(PARAGRAPHS)).split("\n") == PARAGRAPHS


def test_page_numbers_between_the_pages_of_a_layout_are_left_out() -> None:
    assert unwrap(laid_out(PARAGRAPHS, page_lines=4)).split("\n") == PARAGRAPHS


def test_a_text_of_paragraphs_is_left_as_it_is() -> None:
    text = "\n".join(PARAGRAPHS)
    assert unwrap(text) == text


def test_a_numbered_item_starts_its_own_line_even_after_a_full_line() -> None:
    full = "总体要求是坚持问题导向和目标导向统筹推进" + "各项改革举措落地见效并持续巩固提升成果为"  # two full lines
    text = laid_out([full, "（二）重点任务"] * 3)
    assert [line for line in unwrap(text).split("\n") if line.startswith("（二）")] == ["（二）重点任务"] * 3


def test_digits_broken_at_the_edge_join_without_a_space() -> None:
    text = laid_out(["全年累计接待来访群众" + "一" * 8 + "123456人次，较上年有所增加，总体保持平稳态势。"] * 4)
    assert all("123456人次" in line for line in unwrap(text).split("\n"))


def test_latin_words_broken_at_the_edge_keep_the_space_between_them() -> None:
    text = "\n".join(["政务服务平台统一接入全市各部门办事系统API", "gateway运行稳定。"] * 4)
    assert unwrap(text).split("\n") == ["政务服务平台统一接入全市各部门办事系统API gateway运行稳定。"] * 4


def test_a_table_row_is_never_joined_to_the_next() -> None:
    rows = ["项目名称\t单位\t本年完成数\t比上年增长"] + ["地区生产总值\t亿元\t1234.5\t5.6%"] * 6
    text = "\n".join(rows)
    assert unwrap(text) == text


def test_a_figure_opening_a_laid_out_line_keeps_the_words_naming_it() -> None:
    text = laid_out(["全区一年来累计新增各类市场主体" + "数量" * 3 + "达到3215户，同比增长12.4%。"] * 3, column=22)
    assert "3215户" not in text.split("\n")[0]  # the layout broke the sentence before the figure
    households = [m for m in extract_metrics(clean_text(text)) if m.unit == "户"]
    assert households and all("市场主体" in m.name for m in households)


def test_a_page_whose_paragraphs_were_pasted_as_laid_out_lines_is_read_in_paragraphs() -> None:
    from pipelines.article import extract_article

    paragraphs = "".join("<p>" + "<br>".join(laid_out([p]).split("\n")) + "</p>" for p in PARAGRAPHS)
    html = f"<html><head><title>年度工作总结</title></head><body><h1>年度工作总结</h1><div>{paragraphs}</div></body></html>"
    assert extract_article(html).body.split("\n") == PARAGRAPHS


def test_the_border_lines_of_a_drawn_table_are_never_joined() -> None:
    border = "┌" + "─" * 38 + "┐"  # as wide as the column
    text = "\n".join([laid_out(PARAGRAPHS), border, border.replace("┌", "└").replace("┐", "┘")] * 2)
    assert [line for line in unwrap(text).split("\n") if "─" in line] == [
        border,
        border.replace("┌", "└").replace("┐", "┘"),
    ] * 2


def test_a_table_row_whose_cells_a_pdf_spaced_apart_is_never_joined() -> None:
    rows = ["规模以上工业企业单位数与营业收入 户 1286 3.5", "规模以上工业企业利润总额及增速 亿元 245.6 8.1"] * 3
    text = "\n".join([laid_out(PARAGRAPHS), *rows])
    assert unwrap(text).split("\n")[-6:] == rows


def test_a_running_header_printed_by_every_page_number_is_left_out() -> None:
    pages = laid_out(PARAGRAPHS * 2, page_lines=3).split("\n")
    with_header = [f"{line}\n某区人民政府年度工作报告" if line.startswith("— ") else line for line in pages]
    assert unwrap("\n".join(with_header)).split("\n") == PARAGRAPHS * 2


def test_a_line_the_text_repeats_away_from_page_numbers_is_kept() -> None:
    text = "\n".join(["单位：万元", laid_out(PARAGRAPHS)] * 3)
    assert unwrap(text).split("\n").count("单位：万元") == 3
