"""Every task the schedule runs and every task the code enqueues by name exists."""

import re
from pathlib import Path

from django.conf import settings

from jobs.outbox import find_task

ROOT = Path(__file__).resolve().parent.parent.parent
ENQUEUED = re.compile(r'enqueue\(\s*"([a-z_.]+)"')


def test_every_scheduled_task_is_registered_with_the_houses_delivery_rules(db):
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = find_task(entry["task"])
        assert task.acks_late and task.reject_on_worker_lost and task.time_limit, entry["task"]


def test_every_task_enqueued_by_name_is_registered(db):
    names = {name for path in ROOT.glob("*/**/*.py") if ".venv" not in path.parts
             and "tests" not in path.parts for name in ENQUEUED.findall(path.read_text())}
    assert {"notifications.review_requested", "monitoring.evaluate", "search.rebuild_index"} <= names
    for name in names:
        assert find_task(name).name == name
