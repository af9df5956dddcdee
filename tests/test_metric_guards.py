"""Cheap checks before patterns: each one lets through every text its pattern can match.

Extraction tries many patterns only where a plain character test says they could match (a unit's
slash before PER_UNIT, a date word before DATE_AFTER …): the test is what makes the pattern cheap to
skip. A word added to a pattern and not to its check would be skipped silently, so each check is
compared here with the characters the pattern itself can open (or close) a match with, read from
the compiled pattern's syntax tree."""

from __future__ import annotations

import itertools
import re
from re import _constants as sre  # the syntax tree's opcodes (CPython's re package)
from re import _parser

import pytest

from pipelines import metric_vocab as vocab
from pipelines.metric_names import _CONNECTOR_ENDS, _CONNECTOR_ONLY, _GRANTED, _GRANTED_HOLDS, _SHARED, _SHARED_HOLDS
from pipelines.name_words import LEVEL_HOLDS, LEVEL_LIST
from pipelines.policy_names import _GRANT_OPENS, _PAID_AFTER

_WIDEST_RANGE = 0x10000  # a class wider than this (or a category like \w) is "any character"
_SPACES = {chr(c) for c in range(_WIDEST_RANGE) if chr(c).isspace()}


class AnyCharacter(Exception):
    """The pattern can open (or close) a match with a character no list could hold."""


def _class_characters(items: list[tuple[object, object]]) -> set[str]:
    found: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            found.add(chr(arg))  # type: ignore[arg-type]
        elif op is sre.RANGE and arg[1] - arg[0] < _WIDEST_RANGE:  # type: ignore[index,operator]
            found.update(chr(c) for c in range(arg[0], arg[1] + 1))  # type: ignore[index,operator]
        elif op is sre.CATEGORY and arg in (sre.CATEGORY_SPACE, sre.CATEGORY_UNI_SPACE):  # \s
            found |= _SPACES
        else:  # NEGATE, another category (\w, \d), a huge range
            raise AnyCharacter(op)
    return found


def _edge(sequence: list[tuple[object, object]], last: bool) -> tuple[set[str], bool]:
    """(characters a match of `sequence` can open with, or close with when `last`; whether it can be empty)."""
    found: set[str] = set()
    for op, arg in reversed(sequence) if last else sequence:
        if op is sre.LITERAL:
            chars, empty = {chr(arg)}, False  # type: ignore[arg-type]
        elif op is sre.IN:
            chars, empty = _class_characters(arg), False  # type: ignore[arg-type]
        elif op is sre.BRANCH:
            edges = [_edge(list(branch), last) for branch in arg[1]]  # type: ignore[index]
            chars, empty = set().union(*(e[0] for e in edges)), any(e[1] for e in edges)
        elif op is sre.SUBPATTERN:
            chars, empty = _edge(list(arg[3]), last)  # type: ignore[index]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            chars, empty = _edge(list(arg[2]), last)  # type: ignore[index]
            empty = empty or arg[0] == 0  # type: ignore[index]
        elif op is sre.ATOMIC_GROUP:
            chars, empty = _edge(list(arg), last)  # type: ignore[arg-type]
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            chars, empty = set(), True  # anchors and lookarounds consume nothing
        else:  # ANY, a group reference …
            raise AnyCharacter(op)
        found |= chars
        if not empty:
            return found, False
    return found, True


def _held(sequence: list[tuple[object, object]]) -> list[set[str]]:
    """Sets of characters such that every match of `sequence` holds at least one character of each set:
    one set for each part a match cannot do without (a literal, a class, a branch taking one per branch)."""
    sets: list[set[str]] = []
    for op, arg in sequence:
        if op is sre.LITERAL:
            sets.append({chr(arg)})  # type: ignore[arg-type]
        elif op is sre.IN:
            try:
                sets.append(_class_characters(arg))  # type: ignore[arg-type]
            except AnyCharacter:
                continue  # holds something, nothing to name
        elif op is sre.SUBPATTERN:
            sets.extend(_held(list(arg[3])))  # type: ignore[index]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:  # type: ignore[index]
            sets.extend(_held(list(arg[2])))  # type: ignore[index]
        elif op is sre.BRANCH:
            per_branch = [_held(list(branch)) for branch in arg[1]]  # type: ignore[index]
            if all(per_branch):  # one set from each branch: their union is held by every match
                sets.extend(set().union(*choice) for choice in itertools.product(*per_branch))
    return sets


def held(pattern: re.Pattern[str]) -> list[set[str]]:
    return _held(list(_parser.parse(pattern.pattern, pattern.flags)))


def opening(pattern: re.Pattern[str]) -> tuple[set[str], bool]:
    return _edge(list(_parser.parse(pattern.pattern, pattern.flags)), last=False)


def closing(pattern: re.Pattern[str]) -> tuple[set[str], bool]:
    return _edge(list(_parser.parse(pattern.pattern, pattern.flags)), last=True)


# The reader itself, on patterns whose edges are plain to see.
@pytest.mark.parametrize(
    ("pattern", "opens", "closes"),
    [
        (r"^(?:年(?!度)|月|号)", {"年", "月", "号"}, {"年", "月", "号"}),
        (r"[/／]每?(?:人|户)", {"/", "／"}, {"人", "户"}),
        (r"(?:[和与]|以[上下])*\Z", {"和", "与", "以"}, {"和", "与", "上", "下"}),
    ],
)
def test_the_edge_reader_finds_what_a_pattern_opens_and_closes_with(
    pattern: str, opens: set[str], closes: set[str]
) -> None:
    compiled = re.compile(pattern)
    assert opening(compiled)[0] == opens and closing(compiled)[0] == closes


def test_the_reader_of_held_characters_takes_one_character_from_each_branch() -> None:
    assert {"线", "楼"} in held(re.compile(r"[一-龥]?(?:热线|号楼)"))


def test_the_edge_reader_refuses_a_class_too_wide_to_list() -> None:
    with pytest.raises(AnyCharacter):
        opening(re.compile(r"\w+年"))


# The checks of extraction against their patterns.
def test_every_date_word_after_a_number_is_one_the_date_check_lets_through() -> None:
    opens, can_be_empty = opening(vocab.DATE_AFTER)
    assert not can_be_empty and opens <= set(vocab.DATE_AFTER_OPENS)


def test_every_denominator_of_a_compound_unit_opens_with_a_slash_the_unit_reader_looks_for() -> None:
    opens, can_be_empty = opening(vocab.PER_UNIT)
    assert not can_be_empty and opens <= set(vocab.PER_UNIT_OPENS)


def test_every_run_of_connecting_words_ends_on_a_character_the_connector_check_lets_through() -> None:
    closes, _ = closing(_CONNECTOR_ONLY)  # it may be empty: the check lets an empty clause through too
    spaces = {c for c in closes if c.isspace()}
    assert closes - spaces <= set(_CONNECTOR_ENDS)


def test_every_name_with_a_number_in_it_holds_a_character_the_name_check_looks_for() -> None:
    assert any(chars <= vocab.NAME_AFTER_HOLDS for chars in held(vocab.NAME_AFTER))


def test_every_word_sharing_one_figure_among_a_list_holds_a_character_the_list_check_looks_for() -> None:
    assert any(chars <= _SHARED_HOLDS for chars in held(_SHARED))


def test_every_word_of_a_grant_left_out_of_a_name_holds_a_character_the_grant_check_looks_for() -> None:
    assert any(chars <= _GRANTED_HOLDS for chars in held(_GRANTED))


def test_every_list_of_levels_holds_a_character_the_level_check_looks_for() -> None:
    assert any(chars <= LEVEL_HOLDS for chars in held(LEVEL_LIST))


def test_every_grant_verb_after_a_sum_per_head_opens_with_a_character_its_check_lets_through() -> None:
    opens, can_be_empty = opening(_PAID_AFTER)
    assert not can_be_empty and opens <= _GRANT_OPENS
