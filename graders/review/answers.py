"""The written answer a TA reads for one manual check of a graded submission.

`find_answer` finds the question in a submission's `Document` (see `document.py`) by its
number, in the forms students write ("Q1", "문제 1", "1.", "1번", "(1)", "[1]", "## 1";
"q2.5", "2-5", "2.(5)", "문제 2 (5)"), or by the words of its title, and takes what follows
up to the next question: the markdown, the comments and docstrings of the code in between,
and that code's output and figures.

A line names a question where a reader would see a heading: a cell's or a paragraph's first
line, a markdown heading, a line that is nothing but the number, the comments a code cell
starts with. Numbered lines that follow one another are a list, not questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ..i18n import _
from ..judge.kinds.text import ManualCheck
from .document import PLACEHOLDER, Cell, Document, letters

MAX_CHARS = 8000  # characters of text in one answer
MAX_BLOCKS = 24
MAX_FIGURES = 4
MAX_OUTPUT = 2000  # characters of one cell's printed output
MAX_CODE = 600  # characters of a code cell shown among the nearest cells
MIN_PIECE = 200  # a block that would be cut shorter than this is left out
NEAREST = 3  # cells shown where no answer is found
TITLE_MATCH = 0.5  # the share of a title's words a cell must hold to stand for its question
CUT = "\n…\n"  # where a text was shortened (no words: the text is hashed, in any language)
ANCHOR_SHOWN = 60  # characters of the line that names the question, in `where`

# The ranks of blocks that the limits keep first: answers before everything else.
ANSWER, MARKDOWN, COMMENT, OUTPUT, CODE = range(5)


@dataclass
class Block:
    """One piece of an answer, from `cell`: the cell's number in `Document.cells` counted from
    1, as a reader counts (None: the whole run's output)."""

    kind: str  # "markdown" | "code" | "output" | "figure" | "comment"
    text: str  # a figure's: its PNG, base64
    cell: int | None


@dataclass
class Answer:
    """What a student wrote for one question, or where none was found the nearest cells."""

    blocks: list[Block]
    found: bool
    where: str  # one line: how it was found


# How a line names a question: `_PAREN` "(5)", "5)", "(1)-(3)", "(6)(7)"; `_BRACKET` "[1]";
# `_NUMBERED` "1.", "Q1", "문제 1", "1번", "2.5", "2-5", "9-6, 9-7", "2.(5)", "문제 2 (5)".
_PAREN = re.compile(r"\(?(?P<a>\d{1,2})\)(?:(?P<sep>\s*[-~,]\s*|)\((?P<b>\d{1,2})\))?")
_LATER_PAREN = re.compile(r"[.!?]\s+\((\d{1,2})\)")  # a part's number opening a later sentence
_BRACKET = re.compile(r"\[(?P<a>\d{1,2})\](?!\()")
_NUMBERED = re.compile(
    r"(?P<word>(?:q|question|problem|exercise|문제|문항)\s*\.?\s*)?"
    r"(?P<top>\d{1,2})(?P<beon>\s*번)?"
    r"(?:\s*[.\-]\s*(?P<sub>\d{1,2})"
    r"(?:\s*(?P<sep>[,~])\s*(?:(?P=top)\s*[.\-]\s*)?(?P<sub2>\d{1,2}))?"
    r"|\s*[.\-]?\s*\((?P<psub>\d{1,2})\)(?:(?P<psep>\s*[-~,]\s*|)\((?P<psub2>\d{1,2})\))?)?"
    r"(?=$|\s|[^\w\s](?!\d))",  # not the start of a longer number or word: 2022, 3x4, 1차
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(?:[\s#>*_]|[-•]\s)*")  # markup before a line's words
_TEMPLATE = re.compile(r"^\W*(todo|tbd)\b|your code|do not (delete|modify)", re.IGNORECASE)
_ANSWERISH = re.compile(
    r"\W*(답|해석|풀이|설명|결과|결론|분석|answer|ans\b|a\s*[:.]|interpretation|result)",
    re.IGNORECASE,
)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_STOP_WORDS = frozenset(
    "the and with its their for from into that this then what how why did does are was not "
    "within over 그리고 그 및 대한 위한 있는".split()
)


@dataclass(frozen=True)
class _Mark:
    """A line that names a question: its number, its sub-numbers, and the form it takes."""

    cell: int
    line: int  # the line of a markdown cell; 0 in a code cell, which is one piece
    top: int | None
    subs: frozenset[int]
    form: str  # "explicit" (Q1, 2-5), "positional" (1., [1]), "paren" ((5), 5)), "title"
    text: str

    @property
    def at(self) -> tuple[int, int]:
        return (self.cell, self.line)


def _read_mark(text: str) -> tuple[int | None, frozenset[int], str, str] | None:
    """The question `text` starts by naming: (number, sub-numbers, form, the rest), where a
    "bare" form is a number and words ("1 LeNet"), a heading's form only."""
    if match := _PAREN.match(text):
        rest = text[match.end() :]
        later = {int(n) for n in _LATER_PAREN.findall(rest)}  # "(1)-(3) ... 생략. (4) CAM은"
        subs = _numbers(match["a"], match["sep"], match["b"]) | later
        return None, subs, "paren", rest
    if match := _BRACKET.match(text):
        top = int(match["a"])
        return (top, frozenset(), "positional", text[match.end() :]) if top else None
    match = _NUMBERED.match(text)
    if match is None or int(match["top"]) == 0:
        return None
    rest = text[match.end() :]
    subs: frozenset[int] = frozenset()
    if match["sub"]:
        subs = _numbers(match["sub"], match["sep"], match["sub2"])
    elif match["psub"]:
        subs = _numbers(match["psub"], match["psep"], match["psub2"])
    if match["word"] or match["beon"] or subs:
        form = "explicit"
    else:
        form = "bare" if rest[:1].isspace() and letters(rest) else "positional"
    return int(match["top"]), subs, form, rest


def _numbers(first: str, separator: str | None, last: str | None) -> frozenset[int]:
    """One number, two, or a range ("(1)-(3)", "2-5~7")."""
    a = int(first)
    if last is None:
        return frozenset({a})
    b = int(last)
    if (separator or "").strip() in ("-", "~") and a < b <= a + 20:
        return frozenset(range(a, b + 1))
    return frozenset({a, b})


def _markdown_marks(cell: int, text: str) -> list[_Mark]:
    found, numbered = [], set()
    opens = True  # the line starts the cell or a paragraph
    for i, line in enumerate(text.splitlines()):
        stripped = line.strip()
        if not stripped:
            opens = True
            continue
        heading = stripped.startswith(("#", "**", "__"))
        read = _read_mark(_LEAD.sub("", stripped))
        if read is not None:
            form, rest = read[2], read[3]
            if form in ("positional", "bare"):
                numbered.add(i)
            if (
                form == "paren"
                or (form == "bare" and heading)
                or (form == "positional" and (heading or opens))
                or (form == "explicit" and (heading or opens or not letters(rest)))
            ):
                found.append((i, read, stripped))
        opens = False
    return _kept_marks(cell, found, numbered, in_code=False)


def _code_marks(cell: int, code: str) -> list[_Mark]:
    found, numbered = [], set()
    leading = True  # the comments a cell starts with
    for i, line in enumerate(code.splitlines()):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            leading = False
            continue
        read = _read_mark(_LEAD.sub("", stripped))
        if read is None:
            continue
        form, rest = read[2], read[3]
        if form in ("positional", "bare"):
            numbered.add(i)
        if (leading and form != "bare") or (form in ("explicit", "paren") and not letters(rest)):
            found.append((i, read, stripped))
    return _kept_marks(cell, found, numbered, in_code=True)


def _kept_marks(
    cell: int, found: list[tuple[int, tuple[Any, ...], str]], numbered: set[int], in_code: bool
) -> list[_Mark]:
    """The marks of one cell, less `numbered` lines ("1.", "2 ...") that follow one another:
    a list, not questions."""
    return [
        _Mark(cell, 0 if in_code else i, read[0], read[1], read[2], text)
        for i, read, text in found
        if not (i in numbered and ({i - 1, i + 1} & numbered))
    ]


def _number(question_id: str) -> tuple[int, ...]:
    """A question id's number and sub-number: "q2.5" -> (2, 5); none for "challenge"."""
    match = re.fullmatch(r"q(\d+)(?:\.(\d+))?(?:\.\d+)*", question_id)
    return tuple(int(g) for g in match.groups() if g) if match else ()


def _title_keys(*titles: str | None) -> list[set[str]]:
    """The words of a question's titles, each cut to a stem (two Hangul syllables, or five
    letters), one set per script: a student writes the one language or the other."""
    hangul: set[str] = set()
    latin: set[str] = set()
    for word in re.findall(r"[a-z]+|[가-힣]+", " ".join(t for t in titles if t).lower()):
        if word in _STOP_WORDS:
            continue
        if _HANGUL.match(word):
            if len(word) >= 2:
                hangul.add(word[:2])
        elif len(word) >= 3:
            latin.add(word[:5])
    return [keys for keys in (hangul, latin) if keys]


def _title_score(titles: list[set[str]], text: str, least: int = 2) -> float:
    """The best share of a title's words found in `text` (0 under `least` words found)."""
    text = text.lower()
    best = 0.0
    for keys in titles:
        found = sum(key in text for key in keys)
        if keys and found >= min(least, len(keys)):
            best = max(best, found / len(keys))
    return best


def _marks(document: Document) -> list[_Mark]:
    """Every line naming a question, in document order."""
    found: list[_Mark] = []
    for index, cell in enumerate(document.cells):
        read = _code_marks if cell.kind == "code" else _markdown_marks
        found += read(index, cell.text)
    return found


def find_answer(
    document: Document,
    question_id: str,
    question_title: str,
    check: ManualCheck,
    question_title_ko: str | None = None,
) -> Answer:
    """The answer to `check` of question `question_id` in `document`: the markdown cells
    that match the check's `collect` pattern, else what follows the line naming the
    question (by its number, else by its title's words) up to the next question. Where
    nothing is written there, `found` is false and the blocks are the nearest cells."""
    titles = _title_keys(question_title, question_title_ko)
    located = _located(document, question_id, titles)
    if not check.collect:
        return located
    pattern = re.compile(check.collect, re.IGNORECASE | re.MULTILINE)
    matching = [
        (MARKDOWN, Block("markdown", cell.text, i + 1))
        for i, cell in enumerate(document.cells)
        if cell.kind == "markdown" and pattern.search(cell.text)
    ]
    if matching:
        where = _("the markdown cells that match the rubric's pattern {pattern}")
        return _answer(document, matching, True, where.format(pattern=check.collect))
    where = _("no markdown cell matches the rubric's pattern {pattern}; nearest cells shown")
    return replace(located, found=False, where=where.format(pattern=check.collect))


def _located(document: Document, question_id: str, titles: list[set[str]]) -> Answer:
    number = _number(question_id)
    anchor = _numbered_anchor(document, number, titles) if number else None
    anchor = anchor or _title_anchor(document, titles)
    if anchor is None:
        where = _("no written answer found near question {q}; nearest cells shown")
        return _answer(document, _nearest(document, titles), False, where.format(q=question_id))
    start, end = _span(document, anchor, number, titles)
    blocks = _span_blocks(document, start, end)
    shown = _shown(anchor.text)
    if not _written(blocks, anchor):
        nearest = range(start[0], min(start[0] + NEAREST, len(document.cells)))
        where = _("nothing written after “{anchor}” in cell {cell}; nearest cells shown")
        return _answer(
            document,
            _cells_blocks(document, nearest),
            False,
            where.format(anchor=shown, cell=anchor.cell + 1),
        )
    if anchor.form == "title":
        where = _("under “{anchor}” in cell {cell}, found by the question's title")
    else:
        where = _("under “{anchor}” in cell {cell}")
    return _answer(document, blocks, True, where.format(anchor=shown, cell=anchor.cell + 1))


def _numbered_anchor(
    document: Document, number: tuple[int, ...], titles: list[set[str]]
) -> _Mark | None:
    """The first line naming question `number`: "2. (5)" or "2-5" for 2.5, else "(5)" in the
    part of the document under "2" (anywhere where nothing names 2), else that part."""
    marks = _marks(document)
    top = number[0]
    tops = [m for m in marks if m.top == top]
    if len(number) == 1:
        if tops or any(m.top is not None for m in marks):
            return tops[0] if tops else None
        return next((m for m in marks if top in m.subs), None)  # "(1)" where nothing says "1."
    sub = number[1]
    exact = [m for m in tops if sub in m.subs]
    if exact:
        return exact[0]
    parens = [m for m in marks if m.form == "paren" and sub in m.subs]
    if tops:
        parens = [m for m in parens if _part_of(m, marks) == top]
    if parens:
        return max(
            parens,
            key=lambda m: (_title_score(titles, document.cells[m.cell].prose), -marks.index(m)),
        )
    return tops[0] if tops else None


def _part_of(mark: _Mark, marks: list[_Mark]) -> int | None:
    """The number of the question whose part of the document holds `mark`."""
    before = [m.top for m in marks if m.top is not None and m.at <= mark.at]
    return before[-1] if before else None


def _title_anchor(document: Document, titles: list[set[str]]) -> _Mark | None:
    """The first cell holding enough of the question's title's words; of cells holding as
    many, one whose first line holds them (a heading, not an introduction naming every
    question)."""
    ranks = [
        (_title_score(titles, cell.prose), _title_score(titles, _first_line(cell.prose)))
        for cell in document.cells
    ]
    best = max(ranks, default=(0.0, 0.0))
    if best[0] < TITLE_MATCH:
        return None
    cell = ranks.index(best)
    return _Mark(cell, 0, None, frozenset(), "title", _first_line(document.cells[cell].prose))


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _span(
    document: Document, anchor: _Mark, number: tuple[int, ...], titles: list[set[str]]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where the answer under `anchor` starts and ends (a cell and a line, end excluded):
    at the next line naming another question. A heading with the title's words just before a
    code cell that names the question opens the answer with it."""
    # A title names a whole cell; a number names its line.
    after = (
        (anchor.cell, len(document.cells[anchor.cell].text) + 1)
        if anchor.form == "title"
        else anchor.at
    )
    end = next(
        (m.at for m in _marks(document) if m.at > after and _ends(m, anchor, number)),
        (len(document.cells), 0),
    )
    start = anchor.at
    before = anchor.cell - 1
    if (
        document.cells[anchor.cell].kind == "code"
        and before >= 0
        and document.cells[before].kind == "markdown"
        and not any(m.cell == before for m in _marks(document))
        and _title_score(titles, document.cells[before].text) > 0
    ):
        start = (before, 0)
    return start, end


def _ends(mark: _Mark, anchor: _Mark, number: tuple[int, ...]) -> bool:
    """Whether `mark` names another question than the one `anchor` opens."""
    if not number:
        return mark.top is not None
    if mark.top is not None and mark.top != number[0]:
        return True
    part = number[1] if len(number) > 1 else number[0]
    by_part = part in anchor.subs or (anchor.form == "title" and len(number) > 1)
    return by_part and bool(mark.subs) and part not in mark.subs


def _span_blocks(
    document: Document, start: tuple[int, int], end: tuple[int, int]
) -> list[tuple[int, Block]]:
    """The ranked blocks between `start` and `end`: markdown lines, and the comments, output
    and figures of the code cells."""
    blocks: list[tuple[int, Block]] = []
    for index in range(start[0], min(end[0] + 1, len(document.cells))):
        cell = document.cells[index]
        if cell.kind == "markdown":
            lines = cell.text.splitlines()
            first = start[1] if index == start[0] else 0
            last = end[1] if index == end[0] else len(lines)
            text = "\n".join(lines[first:last]).strip()
            if text:
                rank = ANSWER if _answer_like(document, index, text) else MARKDOWN
                blocks.append((rank, Block("markdown", text, index + 1)))
        elif index < end[0]:
            blocks += _code_blocks(cell, index, with_source=False)
    if document.stdout:
        blocks.append((OUTPUT, Block("output", document.stdout, None)))
    return blocks


def _code_blocks(cell: Cell, index: int, with_source: bool) -> list[tuple[int, Block]]:
    blocks: list[tuple[int, Block]] = []
    number = index + 1
    prose = cell.prose
    if with_source and cell.text.strip():
        blocks.append((CODE, Block("code", cell.text.strip(), number)))
    elif prose:
        blocks.append((COMMENT, Block("comment", prose, number)))
    if cell.output.strip():
        blocks.append((OUTPUT, Block("output", cell.output, number)))
    blocks += [(OUTPUT, Block("figure", png, number)) for png in cell.figures]
    return blocks


def _answer_like(document: Document, index: int, text: str) -> bool:
    """Whether a markdown text reads as an answer: it says so ("답", "해석", "Answer", ...),
    or it is prose just after a code cell."""
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:2]:
        body = _LEAD.sub("", line.strip())
        read = _read_mark(body)
        if _ANSWERISH.match(read[3] if read else body):
            return True
    after_code = index > 0 and document.cells[index - 1].kind == "code"
    return after_code and letters(text) >= 20 and not text.lstrip().startswith("#")


def _written(blocks: list[tuple[int, Block]], anchor: _Mark) -> bool:
    """Whether the blocks hold words a student wrote: markdown other than headings and
    placeholders ("TODO", "답:"), else, where no other markdown is there, comments."""
    markdown_here = markdown_written = comment_written = False
    for _rank, block in blocks:
        for line in block.text.splitlines():
            stripped = line.strip()
            if block.kind == "comment":
                comment_written |= letters(stripped) >= 2 and not _TEMPLATE.search(stripped)
                continue
            if block.kind != "markdown" or not stripped:
                continue
            body = _LEAD.sub("", stripped)
            read = _read_mark(body)
            words = read[3] if read else body
            is_anchor = block.cell == anchor.cell + 1 and stripped == anchor.text
            if stripped.startswith("#"):
                markdown_here |= not is_anchor
                continue
            markdown_here |= not is_anchor or letters(words) > 0
            markdown_written |= letters(words) >= 2 and not PLACEHOLDER.fullmatch(words)
    return markdown_written or (comment_written and not markdown_here)


def _nearest(document: Document, titles: list[set[str]]) -> list[tuple[int, Block]]:
    """The cells around the one most like the question's title, else the document's last."""
    scores = [_title_score(titles, cell.prose, least=1) for cell in document.cells]
    best = max(scores, default=0.0)
    if best > 0:
        at = scores.index(best)
        return _cells_blocks(document, range(max(at - 1, 0), min(at + NEAREST - 1, len(scores))))
    with_content = [
        i
        for i, cell in enumerate(document.cells)
        if (cell.kind == "markdown" and cell.text.strip()) or cell.prose or cell.output.strip()
    ]
    return _cells_blocks(document, with_content[-NEAREST:])


def _cells_blocks(document: Document, indexes: range | list[int]) -> list[tuple[int, Block]]:
    blocks: list[tuple[int, Block]] = []
    for index in indexes:
        cell = document.cells[index]
        if cell.kind == "markdown":
            if cell.text.strip():
                blocks.append((MARKDOWN, Block("markdown", cell.text.strip(), index + 1)))
        else:
            blocks += _code_blocks(cell, index, with_source=True)
    return blocks


def _answer(document: Document, ranked: list[tuple[int, Block]], found: bool, where: str) -> Answer:
    """The answer of `ranked` blocks within the limits, the best ranked kept first, in
    document order."""
    kept: dict[int, Block] = {}
    chars = figures = 0
    shortened = False
    for i in sorted(range(len(ranked)), key=lambda i: (ranked[i][0], i)):
        block = ranked[i][1]
        if len(kept) >= MAX_BLOCKS:
            shortened = True
            break
        if block.kind == "figure":
            if figures < MAX_FIGURES:
                figures += 1
                kept[i] = block
            else:
                shortened = True
            continue
        room = min(MAX_CHARS - chars, _KIND_LIMITS.get(block.kind, MAX_CHARS))
        text = _cut(block.text, room)
        if len(text) < min(len(block.text), MIN_PIECE):
            shortened = True
            continue
        shortened |= text != block.text
        chars += len(text)
        kept[i] = replace(block, text=text)
    if not document.ordered:
        where = _("{where} (the cell order was not kept: markdown shown before code)").format(
            where=where
        )
    if shortened:
        where = _("{where}; shortened to fit the page").format(where=where)
    return Answer([kept[i] for i in sorted(kept)], found, where)


_KIND_LIMITS = {"output": MAX_OUTPUT, "code": MAX_CODE}


def _cut(text: str, limit: int) -> str:
    """`text` within `limit` characters: its start and its end (where results are printed)."""
    if len(text) <= limit:
        return text
    room = max(limit - len(CUT), 0)
    head = room // 3
    return text[:head] + CUT + text[len(text) - (room - head) :]


def _shown(line: str) -> str:
    line = " ".join(line.split())
    return line if len(line) <= ANCHOR_SHOWN else line[: ANCHOR_SHOWN - 1] + "…"


def answer_text(answer: Answer) -> str:
    """The words of an answer (markdown, comments, output; no figures), to tell by its hash
    whether it changed since a TA read it."""
    return "\n\n".join(
        block.text for block in answer.blocks if block.kind in ("markdown", "comment", "output")
    )
