"""Line-based three-way merge and readable diffs, on the standard library's difflib."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher, unified_diff

Hunk = tuple[int, int, list[str]]  # base[start:end] replaced by lines


@dataclass(frozen=True)
class MergeResult:
    text: str
    clean: bool


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def _hunks(base: list[str], other: list[str]) -> list[Hunk]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _touches(start: int, end: int, group_end: int, group_has_insert_at_end: bool) -> bool:
    # Overlapping ranges conflict; so does an insertion at the boundary of another change,
    # where the order of the two would be a guess.
    if start < group_end:
        return True
    return start == group_end and (start == end or group_has_insert_at_end)


def _apply(base: list[str], start: int, end: int, hunks: list[Hunk]) -> list[str]:
    out: list[str] = []
    position = start
    for h_start, h_end, lines in hunks:
        out.extend(base[position:h_start])
        out.extend(lines)
        position = h_end
    out.extend(base[position:end])
    return out


def merge3(base: str, mine: str, theirs: str) -> MergeResult:
    """Merge two edits of `base`. Clean when they change different lines (or the same
    lines the same way); otherwise `clean` is False and `text` is `mine` unchanged."""
    base_lines, my_lines, their_lines = _lines(base), _lines(mine), _lines(theirs)
    tagged = sorted(
        [(s, e, lines, "mine") for s, e, lines in _hunks(base_lines, my_lines)]
        + [(s, e, lines, "theirs") for s, e, lines in _hunks(base_lines, their_lines)],
        key=lambda h: (h[0], h[1]),
    )
    out: list[str] = []
    position = 0
    index = 0
    while index < len(tagged):
        start, end = tagged[index][0], tagged[index][1]
        group = [tagged[index]]
        index += 1
        while index < len(tagged):
            n_start, n_end = tagged[index][0], tagged[index][1]
            insert_at_end = any(h[0] == h[1] == end for h in group)
            if not _touches(n_start, n_end, end, insert_at_end):
                break
            group.append(tagged[index])
            end = max(end, n_end)
            index += 1
        out.extend(base_lines[position:start])
        sides = {side for *_, side in group}
        versions = {
            side: _apply(base_lines, start, end, [h[:3] for h in group if h[3] == side])
            for side in sides
        }
        if len(sides) == 2 and versions["mine"] != versions["theirs"]:
            return MergeResult(text=mine, clean=False)
        out.extend(next(iter(versions.values())))
        position = end
    out.extend(base_lines[position:])
    return MergeResult(text="\n".join(out), clean=True)


def line_diff(before: str, after: str, *, context: int = 3) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs for an escaped rendering; kind is one of
    "add", "del", "hunk", "ctx"."""
    rows: list[tuple[str, str]] = []
    for line in unified_diff(_lines(before), _lines(after), lineterm="", n=context):
        if line.startswith(("+++", "---")):
            continue
        if line.startswith("@@"):
            rows.append(("hunk", line))
        elif line.startswith("+"):
            rows.append(("add", line))
        elif line.startswith("-"):
            rows.append(("del", line))
        else:
            rows.append(("ctx", line))
    return rows
