"""Text and JSON that Almanac refuses wherever they come in: a NUL (PostgreSQL cannot store
it), a lone surrogate (not Unicode: it cannot be encoded, so every page showing it would
fail), and JSON nested deeper than settings.API_JSON_MAX_DEPTH (the decoder and everything
after it recurse once per level)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
NUL_REFUSED = "Null characters are not allowed."
SURROGATE_REFUSED = "Lone surrogates are not allowed: text must be valid Unicode."


def text_problem(value: str) -> str | None:
    """Why `value` is refused, or None."""
    match = _BAD_TEXT.search(value)
    if match is None:
        return None
    return NUL_REFUSED if match.group() == "\x00" else SURROGATE_REFUSED


def printable(value: str) -> str:
    """`value` with what `text_problem` refuses replaced, safe to put in an error message."""
    return _BAD_TEXT.sub("\ufffd", value)


def depth_refused() -> str:
    return f"JSON may nest at most {settings.API_JSON_MAX_DEPTH} levels deep."


def check_json(data: Any, *, field: str = "") -> None:
    """Refuse bad text anywhere in decoded JSON (values and keys) and nesting past the limit,
    with a ValidationError naming where: {"metrics.auc": [message]}. Walks without recursion."""
    limit = settings.API_JSON_MAX_DEPTH
    stack: list[tuple[Any, str, int]] = [(data, field, 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise ValidationError({path or "non_field_errors": problem})
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth >= limit:
            raise ValidationError({path or "non_field_errors": depth_refused()})
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = f"{path}.{printable(str(key))}" if path else printable(str(key))
            if isinstance(key, str) and (problem := text_problem(key)):
                raise ValidationError({name: problem})
            stack.append((item, name, depth + 1))
