"""The registry: teams, people, roles, projects, datasets, models and their history, one
module per entity; every model is named here, where Django and the other apps find it."""

from registry.models.activity import Activity
from registry.models.datasets import Caveat, Dataset, DatasetColumn, DatasetVersion
from registry.models.mlmodels import IdempotentRequest, Lineage, MLModel, ModelAlias, ModelVersion
from registry.models.people import Membership, Person, Role, Team, TimeStamped, slug_validator
from registry.models.projects import (
    ALLOWED_TRANSITIONS,
    STAGE_ORDER,
    Project,
    Stage,
    StageTransition,
    Tag,
    Visibility,
)
from registry.models.roles import RoleAssignment

__all__ = [
    "ALLOWED_TRANSITIONS", "STAGE_ORDER", "Activity", "Caveat", "Dataset", "DatasetColumn", "DatasetVersion",
    "IdempotentRequest", "Lineage", "MLModel", "Membership", "ModelAlias", "ModelVersion", "Person",
    "Project", "Role", "RoleAssignment", "Stage", "StageTransition", "Tag", "Team", "TimeStamped",
    "Visibility", "slug_validator",
]
