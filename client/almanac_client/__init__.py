"""Python client for Almanac's REST API: `Almanac()` reads ALMANAC_URL and ALMANAC_TOKEN."""

__version__ = "0.1.0"

from almanac_client.client import Almanac  # noqa: E402
from almanac_client.errors import (  # noqa: E402
    AlmanacError,
    ApiError,
    BadRequest,
    ConfigurationError,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from almanac_client.types import (  # noqa: E402
    Dataset,
    DatasetVersion,
    Gate,
    GateCheck,
    Lineage,
    Model,
    ModelVersion,
    Page,
    Record,
    SearchHit,
    Transition,
)

__all__ = [
    "Almanac", "AlmanacError", "ApiError", "BadRequest", "ConfigurationError", "Conflict", "Dataset",
    "DatasetVersion", "Forbidden", "Gate", "GateCheck", "Lineage", "Model", "ModelVersion", "NotFound",
    "Page", "RateLimited", "Record", "SearchHit", "ServerError", "Transition", "TransportError",
    "Unauthorized",
]
