"""`/healthz`: does this instance answer, and can it reach what it needs?

`GET /healthz` checks the database, the cache and the Celery broker: 200 when all answer,
503 naming what failed. With no broker configured (tasks run in-process) the broker is
"not configured", which is healthy. `GET /healthz?full` adds, for an operator, each check's
time, the migrations not yet applied and the versions running. Neither names a host, a
credential or an error text: a failed check says only the kind of error.

It is served by a middleware placed before host validation and the HTTPS redirect, because
load balancers and container health checks call it by IP address and over plain HTTP.
"""

from __future__ import annotations

import platform
import time
import uuid
from collections.abc import Callable
from typing import Any

import celery
import django
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from config.celery import app as celery_app
from config.version import almanac_version

PATH = "/healthz"
OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"
TIMEOUT_SECONDS = 3


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was stored")
    finally:
        cache.delete(key)
    return OK


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return NOT_CONFIGURED
    with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)
    return OK


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks() -> dict[str, dict[str, Any]]:
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result: dict[str, Any] = {"status": check()}
        except Exception as error:  # a health check reports every failure, whatever it is
            result = {"status": FAILED, "error": type(error).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def database_version() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        major, minor = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{minor}"
    return connection.vendor


def versions(*, database_answers: bool) -> dict[str, str]:
    found = {"almanac": almanac_version(), "python": platform.python_version(),
             "django": django.get_version(), "celery": celery.__version__}
    if database_answers:
        found["database"] = database_version()
    return found


def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return JsonResponse({"detail": f'Method "{request.method}" not allowed.', "errors": {}},
                            status=405, headers={"Allow": "GET, HEAD"})
    checks = run_checks()
    failed = [name for name, result in checks.items() if result["status"] == FAILED]
    body: dict[str, Any] = {"status": "failed" if failed else OK,
                            **{name: result["status"] for name, result in checks.items()}}
    if failed:
        body["failed"] = failed
    if "full" in request.GET:
        body["checks"] = checks
        if "database" not in failed:
            pending = pending_migrations()
            body["migrations"] = {"pending": len(pending), "names": pending}
        body["versions"] = versions(database_answers="database" not in failed)
    return JsonResponse(body, status=503 if failed else 200, headers={"Cache-Control": "no-store"})


class HealthCheck:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
