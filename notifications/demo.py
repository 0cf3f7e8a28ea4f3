"""The demo's people in the loop: a few weeks of monitoring for the production models (one of
them drifting, with its drift report, notification and retraining proposal), a review waiting
for ivan, and the reminders of the schedule (overdue action items, retrospectives due)."""

from __future__ import annotations

import math
from datetime import timedelta

from django.utils import timezone

from lifecycle import services as lifecycle_services
from monitoring import services as monitoring_services
from monitoring.models import Direction
from monitoring.services import Observation
from notifications import events
from registry.demo import Seeded
from registry.models import ModelVersion
from wiki.models import Template
from wiki.services import page_create, space_for

DAYS = 28
DRIFTING = "fraud-scorer"


def _observations(version: ModelVersion) -> list[Observation]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    found = []
    for day in range(DAYS, 0, -1):
        at = now - timedelta(days=day, hours=-6)
        wobble = math.sin(day) * 0.01
        if version.model.slug == DRIFTING:
            # the merchant mix drifts in the last days: PSI past 0.25, recall under 0.55
            late = max(0, 6 - day)
            found.append(Observation("psi_merchant_mix", round(0.08 + wobble + late * 0.045, 3), at, 0.25))
            found.append(Observation("recall_at_1pct_fpr", round(0.62 + wobble / 2 - late * 0.012, 3), at,
                                     0.55, Direction.BELOW))
        else:
            found.append(Observation("mape", round(0.083 + wobble, 3), at, 0.12))
    return found


def seed_loop_demo(seeded: Seeded) -> None:
    for version in seeded.production:
        monitoring_services.monitoring_records_add(version=version, observations=_observations(version),
                                                   by=version.created_by)
        monitoring_services.drift_evaluate(version=version)
    demo = seeded.people["demo"]  # ivan reviews card-fraud-detection (registry/demo/data.py)
    project = seeded.projects["card-fraud-detection"]
    page = page_create(
        space=space_for(project), title="Decision: hold transactions above the new score threshold",
        template=Template.objects.get(kind="decision-record"), documents=[project], by=demo,
        body=("## Context\n\nThe merchant mix is drifting; chargebacks on travel merchants rose.\n\n"
              "## Decision\n\nHold transactions scoring above 0.82 for manual review until the "
              "retrained scorer ships. @ivan, please review.\n\n"
              "## Consequences\n\nAbout 40 more holds a day for the review desk."))
    lifecycle_services.review_request(page=page, by=demo)
    events.remind()
