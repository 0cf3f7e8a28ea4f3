"""Every write of the integrations; each goes through the registry's and the lifecycle's
services as the person it acts for."""

from integrations.services.mlflow import ImportSummary, mlflow_import, mlflow_import_actor
from integrations.services.openlineage import UNMAPPED_URL, openlineage_run_receive, unmapped_dataset_map

__all__ = ["UNMAPPED_URL", "ImportSummary", "mlflow_import", "mlflow_import_actor", "openlineage_run_receive",
           "unmapped_dataset_map"]
