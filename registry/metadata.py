"""The shape of what an experiment tracker records on a model or a version: metrics, params and
tags, with their documented limits. Services check with these (so the UI, the API and scripts
meet the same rules); a broken rule is a ValidationError naming the field and the key."""

from __future__ import annotations

import math
import re
from typing import Any

from django.core.exceptions import ValidationError

MAX_KEYS = 100  # metrics, params or tags of one version or model
MAX_KEY_LENGTH = 100
MAX_VALUE_LENGTH = 500  # a tag's or a string param's value
KEY = re.compile(r"^[A-Za-z0-9_.\-/: ]+$")  # what MLflow accepts in a metric, param or tag name
LIMITS = (f"at most {MAX_KEYS} keys, each 1-{MAX_KEY_LENGTH} characters of letters, digits, "
          f"'_', '-', '.', '/', ':' or spaces; string values up to {MAX_VALUE_LENGTH} characters")


def _keys(field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError({field: f"{field.capitalize()} are an object of name: value."})
    if len(value) > MAX_KEYS:
        raise ValidationError({field: f"At most {MAX_KEYS} {field} (got {len(value)})."})
    for key in value:
        if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH \
                or not KEY.match(key):
            raise ValidationError({field: f"{str(key)[:120]!r}: a name is 1-{MAX_KEY_LENGTH} "
                                          "characters of letters, digits, '_', '-', '.', '/', "
                                          "':' or spaces."})
    return value


def clean_metrics(value: Any) -> dict[str, float | int]:
    """Finite numbers only: `{"auc": "high"}`, NaN, infinities and booleans are refused."""
    for key, number in _keys("metrics", value).items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) \
                or not math.isfinite(number) or abs(number) > 1e300:
            raise ValidationError({"metrics": f"{key}: a metric is a finite number, not {number!r:.60}."})
    return dict(value)


def clean_params(value: Any) -> dict[str, Any]:
    """Hyperparameters: strings, numbers, booleans or null."""
    for key, param in _keys("params", value).items():
        if isinstance(param, float) and not math.isfinite(param):
            raise ValidationError({"params": f"{key}: a number must be finite."})
        if param is not None and not isinstance(param, (str, int, float, bool)):
            raise ValidationError({"params": f"{key}: a param is a string, number or boolean."})
        if isinstance(param, str) and len(param) > MAX_VALUE_LENGTH:
            raise ValidationError({"params": f"{key}: at most {MAX_VALUE_LENGTH} characters."})
        if isinstance(param, int) and not isinstance(param, bool) and abs(param) > 2**63:
            raise ValidationError({"params": f"{key}: the number is too large."})
    return dict(value)


def clean_tags(value: Any) -> dict[str, str]:
    """String keys and string values."""
    for key, tag in _keys("tags", value).items():
        if not isinstance(tag, str):
            raise ValidationError({"tags": f"{key}: a tag's value is a string."})
        if len(tag) > MAX_VALUE_LENGTH or "\x00" in tag:
            raise ValidationError({"tags": f"{key}: at most {MAX_VALUE_LENGTH} characters."})
    return dict(value)
