"""Every write of the lifecycle: stage changes, promotion, reviews and approvals, sprints,
retrospectives and action items. Each records an Activity row.

One module per concept; `from lifecycle import services` reaches them all.
"""

from lifecycle.services.approvals import page_approve, page_review, review_request
from lifecycle.services.promotion import (
    model_alias_remove,
    model_alias_set,
    model_version_set_status,
)
from lifecycle.services.sprints import (
    RETROSPECTIVE_KIND,
    action_item_add,
    action_item_update,
    retrospective_body,
    retrospective_write,
    sprint_create,
)
from lifecycle.services.stages import project_stage_change, transition_check

__all__ = [
    "page_approve", "page_review", "review_request", "model_version_set_status",
    "model_alias_set", "model_alias_remove",
    "RETROSPECTIVE_KIND", "action_item_add", "action_item_update", "retrospective_body",
    "retrospective_write", "sprint_create", "project_stage_change", "transition_check",
]
