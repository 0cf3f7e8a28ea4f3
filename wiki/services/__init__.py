"""Every write to the wiki goes through here, and each records an Activity row: spaces
(`spaces`), pages (`pages`) and templates (`templates`)."""

from wiki.services.pages import (
    MAX_DEPTH,
    RESERVED_SLUGS,
    EditConflict,
    Merged,
    SaveResult,
    page_create,
    page_delete,
    page_merge,
    page_purge,
    page_restore,
    page_revert,
    page_update,
)
from wiki.services.spaces import space_for, space_for_target, space_open
from wiki.services.templates import template_create, template_update

__all__ = [
    "MAX_DEPTH", "RESERVED_SLUGS", "EditConflict", "Merged", "SaveResult", "page_create",
    "page_delete", "page_merge", "page_purge", "page_restore", "page_revert", "page_update",
    "space_for", "space_for_target", "space_open", "template_create", "template_update",
]
