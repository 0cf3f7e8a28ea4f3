"""API shapes of the registry. `*In` serializers check request bodies (and refuse unknown keys);
`*Out` serializers shape answers. Rules stay in the services, visibility in the querysets.
One module per entity; `from registry.api import serializers as s` reaches them all."""

from registry.api.serializers.activity import (  # noqa: F401
    ActivityOut,
)
from registry.api.serializers.common import (  # noqa: F401
    UsernameField,
)
from registry.api.serializers.datasets import (  # noqa: F401
    CaveatIn,
    CaveatOut,
    CaveatUpdateIn,
    ColumnSerializer,
    ColumnsIn,
    ColumnsOut,
    DatasetCreateIn,
    DatasetDetailOut,
    DatasetOut,
    DatasetUpdateIn,
    DatasetVersionDetailOut,
    DatasetVersionIn,
    DatasetVersionOut,
    UsedByOut,
)
from registry.api.serializers.models import (  # noqa: F401
    CompareOut,
    LineageOut,
    LineageSerializer,
    ModelCreateIn,
    ModelOut,
    ModelUpdateIn,
    ModelVersionIn,
    ModelVersionOut,
    ModelVersionUpdateIn,
)
from registry.api.serializers.projects import (  # noqa: F401
    ProjectCreateIn,
    ProjectOut,
    ProjectUpdateIn,
)
from registry.api.serializers.teams import (  # noqa: F401
    MembershipIn,
    MembershipLevelIn,
    MembershipOut,
    PersonOut,
    PersonTeamOut,
    RoleAssignIn,
    RoleAssignmentOut,
    RoleCreateIn,
    RoleOut,
    TeamCreateIn,
    TeamOut,
    TeamUpdateIn,
)
