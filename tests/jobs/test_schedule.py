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
    # the house's own code: the apps and config (not virtualenvs such as .venv-mlflow, not tests)
    packages = [path.parent for path in ROOT.glob("*/apps.py")] + [ROOT / "config"]
    names = {name for package in packages for path in package.rglob("*.py")
             for name in ENQUEUED.findall(path.read_text(encoding="utf-8"))}
    assert {"notifications.review_requested", "monitoring.evaluate", "search.rebuild_index"} <= names
    for name in names:
        assert find_task(name).name == name
