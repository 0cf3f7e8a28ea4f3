"""Every write to the registry goes through here, and each records an Activity row.

One module per entity; `from registry import services` reaches them all.
"""

from registry.services.caveats import (
    CAVEAT_RAISED,
    CAVEAT_RESOLVED,
    caveat_affected_versions,
    caveat_raise,
    caveat_resolve,
)
from registry.services.common import (
    activity_record,
    activity_ref,
    record_update,
    save_validated,
    tags_from,
)
from registry.services.datasets import (
    dataset_columns_set,
    dataset_create,
    dataset_update,
    dataset_version_add,
    dataset_version_register,
)
from registry.services.models import (
    model_create,
    model_update,
    model_version_add,
    model_version_lineage_add,
    model_version_register,
    model_version_update,
)
from registry.services.people import person_update
from registry.services.projects import project_create, project_update
from registry.services.roles import role_assign, role_create, role_unassign
from registry.services.teams import membership_remove, membership_set, team_create, team_update

__all__ = [
    "CAVEAT_RAISED", "CAVEAT_RESOLVED", "caveat_affected_versions", "caveat_raise", "caveat_resolve",
    "activity_record", "activity_ref", "record_update", "save_validated", "tags_from",
    "dataset_columns_set", "dataset_create", "dataset_update", "dataset_version_add",
    "dataset_version_register",
    "model_create", "model_update", "model_version_add", "model_version_update",
    "model_version_register", "model_version_lineage_add",
    "person_update",
    "project_create", "project_update",
    "role_assign", "role_create", "role_unassign",
    "membership_remove", "membership_set", "team_create", "team_update",
]
