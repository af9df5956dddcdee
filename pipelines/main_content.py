"""The article's container in a portal page, and its text once, block by block.

How Chinese government CMSs build a page: header and menus (mostly link text), a breadcrumb,
the article (sentences: Chinese punctuation outside links), share/print bars, related-link
lists, and a footer (short labelled lines). Some templates hold the article more than once: a
desktop view, an elderly-mode (关怀版) view, a hidden read-aloud or print copy.

So the page is read in *units* (the text of one block: p, li, td, a div's own lines), each
classed as sentence text, plain text or link text. A unit whose text already appeared in an
earlier unit (visible copies claim first) is a duplicate and counts for nothing. The container
is the element that maximises `sentence chars - link_penalty * link chars - plain_penalty *
plain chars`: growing past the article adds menus and footers, which cost more than they give.
Inside it, duplicates, hidden boxes, link lists and share/pager widgets are dropped. Nothing
here recurses, so 10,000 nested tags are no problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import lxml.etree
import lxml.html

from pipelines.textnorm import tidy_line

BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
        "section", "article", "blockquote", "pre", "dd", "dt", "dl", "hr", "center", "form", "main",
        "body", "tbody", "thead", "caption", "figure", "figcaption", "address",
    }
)  # fmt: skip
CELL_TAGS = frozenset({"td", "th"})
CONTAINER_TAGS = frozenset(
    {"div", "td", "article", "section", "main", "body", "center", "table", "tbody", "form", "font", "span"}
)
_SENTENCE = re.compile(r"[，。；！？,;]")
_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|csv|jpe?g|png)(?:$|[?#])", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Widgets named the same way across CMSs: share/print bars, pagers, related lists, QR codes.
_WIDGET = re.compile(
    r"(?:^|[\s_-])(?:share|bdshare|fenxiang|jiathis|print|dayin|pager?|pagination|fanye|related|xgwz|xgxx|"
    r"xglj|relevant|qrcode|erweima|ewm|prev|next|sxp|toolbar|tools?|gongju|fontsize|zihao|breadcrumbs?|"
    r"crumbs?|position|location|mianbao|dqwz|wzdh)(?:$|[\s_-]|\d)",
    re.IGNORECASE,
)
# Readers' comments under an article (评论, 网友评论), named the same way across CMSs: their sentences are
# the readers', not the article's.
_COMMENTS = re.compile(r"(?:^|[\s_-])(?:comments?|comment-?list|pinglun|pl-?list|wypl)(?:$|[\s_-]|\d)", re.IGNORECASE)
_MIN_DEDUP_CHARS = 12
_TEXT_UNIT_CHARS = 8
_TEXTY = re.compile(r"[：:]")
_DIGIT = re.compile(r"\d")
_DATE_ONLY = re.compile(  # a list's date column, not a figure
    r"^[\[【(（]?\d{2,4}[-年/.]\d{1,2}(?:[-月/.]\d{1,2}日?)?(?:\d{1,2}:\d{2}(?::\d{2})?)?[\]】)）]?$"
)


@dataclass(frozen=True)
class ContentParams:
    """Weights of the container objective (tuned leave-one-page-out in bench/cleaning.py)."""

    link_penalty: float = 1.0
    plain_penalty: float = 0.3
    tighten: float = 0.85


@dataclass(frozen=True)
class Content:
    """The chosen container's lines and what the choice saw (for warnings)."""

    container: lxml.html.HtmlElement
    lines: list[str]
    sentence_chars: int  # in the container, duplicates excluded
    link_chars: int
    page_sentence_chars: int  # in the whole page, duplicates excluded


def own_hidden(element: lxml.html.HtmlElement) -> bool:
    """Hidden by its own markup (style, hidden attribute, aria-hidden), not by an ancestor's."""
    style = element.get("style")
    return bool(
        (style and _HIDDEN_STYLE.search(style))
        or element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
    )


_LINE_HOLDERS = frozenset({"span", "font"})


def _holds_lines(element: lxml.html.HtmlElement) -> bool:
    """An inline element that holds lines broken by <br> (a press release's <span> around its whole
    text): its lines are its own text, not the enclosing block's, so it can be the container."""
    return element.tag in _LINE_HOLDERS and element.find("br") is not None


_MIN_LISTED = 3
_MAX_ENTRY_CHARS = 120  # a headline and a line or two of summary; a list item of the article says more


_ENTRY_TAGS = frozenset({"li", "div", "dl", "tr"})  # what CMSs repeat for each entry of a list (not <p>: paragraphs)


def _listed_articles(root: lxml.html.HtmlElement) -> set[int]:
    """Ids of the entries of lists of other articles: three or more sibling entries of one kind (<li>,
    <div class="item">, <dl>, <tr>), each opening on a link to a page (a headline) and adding a date or
    a short summary. Their text counts as the links': a box of news with summaries beside the article
    is a menu of other pages, not more of its text."""
    found: set[int] = set()
    for parent in root.iter():
        if len(parent) < _MIN_LISTED:
            continue  # most elements: fewer children than a list has entries
        kinds: dict[str, list[lxml.html.HtmlElement]] = {}
        for child in parent:
            if child.tag in _ENTRY_TAGS:
                kinds.setdefault(child.tag, []).append(child)
        for entries in kinds.values():
            if len(entries) >= _MIN_LISTED and all(_opens_on_headline(entry) for entry in entries):
                found.update(id(entry) for entry in entries)
    return found


def _opens_on_headline(item: lxml.html.HtmlElement) -> bool:
    """The item's first words are a link to a page (not a file): a headline leading its entry."""
    if (item.text or "").strip(" \t\r\n\xa0·•>》-"):
        return False
    first = next((child for child in item if isinstance(child.tag, str)), None)
    while first is not None and first.tag != "a" and not (first.text or "").strip() and len(first):
        first = first[0]  # <li><span><a>…</a></span>: the link inside its wrapper
    if first is None or first.tag != "a":
        return False
    href = first.get("href") or ""
    entry = _norm_text(item.text_content())
    return len(_norm_text(first.text_content())) >= 4 and len(entry) <= _MAX_ENTRY_CHARS and not _FILE_LINK.search(href)


def _norm_text(text: str) -> str:
    return "".join(text.split())


def _chars(text: str) -> int:
    return len(text) - sum(map(text.count, (" ", "\n", "\t", "\r", "\xa0", "\u3000")))


class _Units:
    """Per element: the text units it owns, classed, with duplicate copies discounted."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        self.elements = [e for e in root.iter() if isinstance(e.tag, str)]
        self.hidden: dict[int, bool] = {}
        self.in_link: dict[int, bool] = {}
        self.block_of: dict[int, lxml.html.HtmlElement] = {}
        self.sentence: dict[int, int] = {}  # element id -> sentence chars in its subtree
        self.link: dict[int, int] = {}
        self.plain: dict[int, int] = {}
        self.duplicate: dict[int, int] = {}
        self._walk()

    def _walk(self) -> None:
        nonlink: dict[int, list[str]] = {}
        linked: dict[int, int] = {}
        blocks: list[lxml.html.HtmlElement] = []
        top = self.elements[0]
        listed = _listed_articles(top)
        for element in self.elements:
            parent = element.getparent() if element is not top else None  # the walk's root stands alone
            pid = id(parent) if parent is not None else None
            eid = id(element)
            self.hidden[eid] = own_hidden(element) or (pid is not None and self.hidden.get(pid, False))
            self.in_link[eid] = (  # the cheap tests first: is_comments reads the element's class and id
                element.tag == "a"
                or (pid is not None and self.in_link.get(pid, False))
                or eid in listed
                or is_comments(element)
            )
            if element.tag in BLOCK_TAGS or parent is None or _holds_lines(element):
                block = element
                blocks.append(element)
            else:
                block = self.block_of[pid]  # type: ignore[index]
            self.block_of[eid] = block
            if element.text:
                self._add(nonlink, linked, id(block), element.text, self.in_link[eid])
            if element.tail and parent is not None:
                owner = self.block_of[pid]  # type: ignore[index]
                self._add(nonlink, linked, id(owner), element.tail, self.in_link[pid])  # type: ignore[index]
        keys = {bid: "".join("".join(parts).split()) for bid, parts in nonlink.items()}
        cells = {id(block) for block in blocks if block.tag in CELL_TAGS}
        duplicates = _duplicate_units(blocks, keys, self.hidden)
        unit_sentence: dict[int, int] = {}
        unit_plain: dict[int, int] = {}
        unit_duplicate: dict[int, int] = {}
        for bid, key in keys.items():
            if not key:
                continue
            if bid in duplicates:
                unit_duplicate[bid] = len(key) if _SENTENCE.search(key) else 0
                continue
            if (
                _SENTENCE.search(key)
                or (len(key) >= _TEXT_UNIT_CHARS and _TEXTY.search(key))
                or (bid in cells and _DIGIT.search(key) and not _DATE_ONLY.match(key))  # a data table's figure
            ):
                unit_sentence[bid] = len(key)
            else:
                unit_plain[bid] = len(key)
        for element in reversed(self.elements):  # children before parents
            eid = id(element)
            sentence = unit_sentence.get(eid, 0)
            plain = unit_plain.get(eid, 0)
            link = linked.get(eid, 0)
            duplicate = unit_duplicate.get(eid, 0)
            for child in element:
                if isinstance(child.tag, str):
                    cid = id(child)
                    sentence += self.sentence[cid]
                    plain += self.plain[cid]
                    link += self.link[cid]
                    duplicate += self.duplicate[cid]
            self.sentence[eid], self.plain[eid], self.link[eid], self.duplicate[eid] = sentence, plain, link, duplicate

    @staticmethod
    def _add(nonlink: dict[int, list[str]], linked: dict[int, int], owner: int, text: str, is_link: bool) -> None:
        if is_link:
            linked[owner] = linked.get(owner, 0) + _chars(text)
        else:
            nonlink.setdefault(owner, []).append(text)


def _score(units: _Units, element: lxml.html.HtmlElement, params: ContentParams) -> float:
    eid = id(element)
    return units.sentence[eid] - params.link_penalty * units.link[eid] - params.plain_penalty * units.plain[eid]


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def _duplicate_units(blocks: list[lxml.html.HtmlElement], keys: dict[int, str], hidden: dict[int, bool]) -> set[int]:
    """Units whose sentences were all said by an earlier unit: a second copy of the article.

    Sentences, not whole blocks, are compared, so a copy cut into paragraphs differently (an
    elderly-mode view, a read-aloud copy) is still recognised. Visible units claim first, then
    hidden ones, so the copy shown is the copy kept and a body only in a hidden box still counts.
    A paragraph that a document repeats on purpose (the same clause for each of several lots) is
    not a copy: see `_repeated_clauses`.
    """
    claimed: dict[str, int] = {}
    duplicates: dict[int, set[int]] = {}  # copy -> the units that said it first
    for want_hidden in (False, True):
        for block in blocks:
            bid = id(block)
            key = keys.get(bid)
            if not key or hidden[bid] != want_hidden or len(key) < _MIN_DEDUP_CHARS:
                continue
            sentences = [s for s in _SENTENCE_END.split(key) if len(s) >= _MIN_DEDUP_CHARS]
            if not sentences:
                sentences = [key]
            said_before = sum(len(s) for s in sentences if claimed.get(s, bid) != bid)
            if said_before >= 0.8 * sum(len(s) for s in sentences):
                duplicates[bid] = {claimed[s] for s in sentences if claimed.get(s, bid) != bid}
                continue
            for sentence in sentences:
                claimed.setdefault(sentence, bid)
    return set(duplicates) - _repeated_clauses(blocks, keys, hidden, duplicates)


def _repeated_clauses(
    blocks: list[lxml.html.HtmlElement], keys: dict[int, str], hidden: dict[int, bool], duplicates: dict[int, set[int]]
) -> set[int]:
    """Copies that are the document's own repetition, kept: a lone repeated paragraph among new ones.

    A second copy of an article is a run of units somewhere else in the page (another box, a hidden
    view). A notice that states the same condition for each of several items repeats one paragraph
    among its siblings, with new paragraphs before and after it: the same parent as the paragraph it
    repeats, not next to it, and neither neighbour a copy.
    """
    by_id = {id(block): block for block in blocks}
    order = [id(b) for b in blocks if not hidden[id(b)] and len(keys.get(id(b), "")) >= _MIN_DEDUP_CHARS]
    kept: set[int] = set()
    for at, bid in enumerate(order):
        firsts = duplicates.get(bid)
        if not firsts or at == 0 or at + 1 == len(order):
            continue
        before, after = order[at - 1], order[at + 1]
        parent = by_id[bid].getparent()
        if (
            before not in duplicates
            and after not in duplicates
            and before not in firsts
            and all(by_id[first].getparent() is parent for first in firsts)
        ):
            kept.add(bid)
    return kept


def _choose(units: _Units, params: ContentParams) -> lxml.html.HtmlElement:
    """The best-scoring container, then its deepest descendant that keeps `tighten` of that score.

    The tightening step leaves out a stray block of sentences elsewhere in the page (a notice
    box, a popup) that the objective alone would pull in with everything between.
    """
    top = units.elements[0]
    body = top.find("body") if top.tag == "html" else None
    best, best_score = (body if body is not None else top), float("-inf")
    for element in units.elements:  # document order: among equal scores the deepest wins
        if element.tag in CONTAINER_TAGS and units.sentence[id(element)] > 0:
            score = _score(units, element, params)
            if score >= best_score:
                best, best_score = element, score
    if best_score <= 0:
        return best
    chosen = best
    for element in best.iterdescendants(*CONTAINER_TAGS):  # document order: the last qualifying is the deepest
        if _score(units, element, params) >= params.tighten * best_score:
            chosen = element
    return chosen


def _is_widget(element: lxml.html.HtmlElement, units: _Units) -> bool:
    return is_widget(element) and units.sentence[id(element)] < 60


def _is_link_list(element: lxml.html.HtmlElement, units: _Units) -> bool:
    """Mostly link text and hardly a sentence: related articles, menus, pagers (not attachments)."""
    eid = id(element)
    link, sentence, plain = units.link[eid], units.sentence[eid], units.plain[eid]
    if link == 0 or link < 2 * (sentence + plain) or sentence > 80:
        return False
    return not any(_FILE_LINK.search(a.get("href") or "") for a in element.iter("a"))


def _prune(container: lxml.html.HtmlElement, units: _Units) -> None:
    container_hidden = units.hidden[id(container)]
    container_sentence = units.sentence[id(container)]
    doomed = []
    for element in container.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        eid = id(element)
        if (
            (not container_hidden and own_hidden(element) and units.sentence[eid] < 0.3 * container_sentence)
            or (units.duplicate[eid] and not units.sentence[eid] and not units.plain[eid])
            or _is_widget(element, units)
            or is_comments(element)
            or (element.tag in {"ul", "ol", "div", "p", "table", "span", "dl", "tr"} and _is_link_list(element, units))
        ):
            doomed.append(element)
    doomed_ids = {id(element) for element in doomed}  # the list keeps the elements alive: ids stay valid
    for element in doomed:
        if element.getparent() is not None and not any(id(a) in doomed_ids for a in element.iterancestors()):
            element.drop_tree()  # lxml keeps the tail text in the parent


def block_text(element: lxml.html.HtmlElement, skip: Callable[[lxml.html.HtmlElement], bool] | None = None) -> str:
    """The element's text with a line break around every block and a tab after every cell (no mutation).

    Line breaks and tabs of the page's source are whitespace, as a browser shows them (kept in
    <pre>); inside a table cell a block break is a space, so a table row stays one line of cells.
    `skip` leaves out the subtrees it accepts (their tails stay: they belong to the parent).
    """
    out: list[str] = []
    cells = 0  # data cells open around the current node
    kinds: list[bool] = []  # per open cell: a data cell (True) or a layout cell holding the page (False)
    pre = 0

    def text(value: str) -> None:
        out.append(value if pre else _SOURCE_BREAK.sub(" ", value))

    walker = lxml.etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        if event == "start":
            if skip is not None and node is not element and skip(node):
                walker.skip_subtree()
                if node.tail:
                    text(node.tail)
                continue
            if node.tag in CELL_TAGS:
                data = node is not element and _data_cell(node)
                kinds.append(data)
                cells += data
            elif node.tag in BLOCK_TAGS:
                out.append(" " if cells and node.tag not in _TABLE_TAGS else "\n")
            pre += node.tag == "pre"
            if node.text:
                text(node.text)
        else:
            pre -= node.tag == "pre"
            if node.tag in CELL_TAGS:
                cells -= kinds.pop() if kinds else 0
                out.append("\t")
            elif node.tag in BLOCK_TAGS:
                out.append(" " if cells and node.tag not in _TABLE_TAGS else "\n")
            if node.tail and node is not element:
                text(node.tail)
    return "".join(out)


_SOURCE_BREAK = re.compile(r"[\r\n\t\f\v]")


def _data_cell(cell: lxml.html.HtmlElement) -> bool:
    """A cell of a data table (a figure, a label, a short note), not a layout cell holding paragraphs."""
    return cell.find(".//table") is None and len(cell.text_content()) <= 200


_TABLE_TAGS = frozenset({"table", "tr", "tbody", "thead"})  # a table inside a cell keeps its own rows


def is_comments(element: lxml.html.HtmlElement) -> bool:
    """Named as readers' comments (comment, pinglun …): read as links, and dropped from the article."""
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marker.strip()) and bool(_COMMENTS.search(marker))


def is_widget(element: lxml.html.HtmlElement) -> bool:
    """Named like a share/print/font-size/pager widget, as CMSs name them."""
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marker.strip()) and bool(_WIDGET.search(marker))


_CLOSING_TAB = re.compile(r"\t[^\S\t]*$")  # block_text ends every cell with a tab: the last one closes the row


def block_lines(
    container: lxml.html.HtmlElement, skip: Callable[[lxml.html.HtmlElement], bool] | None = None
) -> list[str]:
    text = block_text(container, skip)
    lines = (tidy_line(_CLOSING_TAB.sub("", line)) for line in text.split("\n"))
    return [line for line in lines if line]


def main_content(root: lxml.html.HtmlElement, params: ContentParams | None = None) -> Content:
    """The article's lines (the container's text, pruned), with the counts warnings look at."""
    params = params or ContentParams()
    units = _Units(root)
    container = _choose(units, params)
    cid = id(container)
    rid = id(units.elements[0])
    counts = (units.sentence[cid], units.link[cid], units.sentence[rid])
    if counts[0] > 0:
        _prune(container, units)
    # else no sentence anywhere: the page's text is kept whole, and warnings say what it looks like
    return Content(container, block_lines(container), counts[0], counts[1], counts[2])


def content_of(element: lxml.html.HtmlElement) -> Content:
    """Lines of an element chosen by the portal's selector: pruned the same way, never second-guessed."""
    units = _Units(element)
    eid = id(element)
    _prune(element, units)
    return Content(element, block_lines(element), units.sentence[eid], units.link[eid], units.sentence[eid])
