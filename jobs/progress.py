"""Recording a long job's progress (`jobs.models.Progress`), outside any transaction of the job
so that the admin sees it while the job runs."""

from __future__ import annotations

from django.utils import timezone

from jobs.models import Progress


def progress_start(*, name: str, total: int) -> Progress:
    return Progress.objects.create(name=name, total=total)


def progress_update(*, progress: Progress, done: int, total: int, detail: str = "") -> Progress:
    progress.done, progress.total, progress.detail = done, total, detail[:200]
    progress.save(update_fields=["done", "total", "detail", "updated_at"])
    return progress


def progress_finish(*, progress: Progress, detail: str = "") -> Progress:
    progress.finished_at = timezone.now()
    progress.detail = detail[:200]
    progress.save(update_fields=["finished_at", "detail", "updated_at"])
    return progress


def running(name: str) -> Progress | None:
    return Progress.objects.filter(name=name, finished_at__isnull=True).first()
