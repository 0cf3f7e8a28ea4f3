"""The three-way merge behind "no lost edits"."""

from wiki.merge import line_diff, merge3

BASE = "a\nb\nc\nd\ne\n"


def test_changes_to_different_lines_merge():
    result = merge3(BASE, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")

    assert result.clean and result.text == "A\nb\nc\nd\nE\n"


def test_different_changes_to_the_same_line_conflict_and_keep_my_text():
    result = merge3(BASE, "A\nb\nc\nd\ne\n", "X\nb\nc\nd\ne\n")

    assert not result.clean and result.text == "A\nb\nc\nd\ne\n"


def test_the_same_change_on_both_sides_merges_once():
    result = merge3(BASE, "a\nB\nc\nd\ne\n", "a\nB\nc\nd\ne\n")

    assert result.clean and result.text == "a\nB\nc\nd\ne\n"


def test_two_insertions_at_the_same_place_conflict():
    assert not merge3(BASE, BASE + "mine\n", BASE + "theirs\n").clean


def test_an_insertion_and_a_deletion_far_apart_merge():
    result = merge3(BASE, "a\nb\nc\nd\ne\nf\n", "b\nc\nd\ne\n")

    assert result.clean and result.text == "b\nc\nd\ne\nf\n"


def test_an_unchanged_side_takes_the_other():
    assert merge3(BASE, BASE, "z\n").text == "z\n"
    assert merge3(BASE, "z\n", BASE).text == "z\n"


def test_windows_line_endings_do_not_make_every_line_differ():
    result = merge3(BASE, "A\r\nb\r\nc\r\nd\r\ne\r\n", "a\nb\nc\nd\nE\n")

    assert result.clean and result.text == "A\nb\nc\nd\nE\n"


def test_line_diff_marks_added_and_removed_lines():
    rows = line_diff("one\ntwo\n", "one\nthree\n")

    assert ("del", "-two") in rows and ("add", "+three") in rows
