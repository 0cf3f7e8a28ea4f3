"""Almanac's own version: pyproject.toml's, which ships with the code (also in the image)."""

import tomllib
from functools import cache

from django.conf import settings


@cache
def almanac_version() -> str:
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]
