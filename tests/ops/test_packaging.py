"""Installs are reproducible and the production files say what the README promises."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {canonicalize_name(name): version
            for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)}


def declared(*groups: str) -> list[Requirement]:
    found = [Requirement(r) for r in PYPROJECT["dependencies"]]
    for group in groups:
        found += [Requirement(r) for r in PYPROJECT["optional-dependencies"][group]]
    return found


def test_every_dependency_has_an_upper_bound():
    groups = list(PYPROJECT["optional-dependencies"])
    unbounded = [str(r) for r in declared(*groups) if not any(s.operator in ("<", "~=", "==")
                                                               for s in r.specifier)]
    assert unbounded == []


@pytest.mark.parametrize(("lock", "groups"), [("runtime.txt", ()), ("dev.txt", ("dev",))])
def test_the_lock_files_pin_every_dependency_within_its_range(lock, groups):
    pinned = pins(lock)
    for requirement in declared(*groups):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in requirements/{lock}: run make lock"
        assert requirement.specifier.contains(version, prereleases=True), \
            f"{requirement.name}=={version} in requirements/{lock} is outside {requirement}: run make lock"


def test_the_dev_lock_installs_the_runtime_lock_unchanged():
    runtime, dev = pins("runtime.txt"), pins("dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert "pytest" in dev and "pytest" not in runtime and "playwright" not in runtime


def test_the_compose_stack_migrates_before_anything_serves_and_checks_its_health():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert set(services) == {"migrate", "web", "worker", "beat", "db", "redis"}
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("web", "worker", "beat", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["web"]["command"] == ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
    assert services["worker"]["command"][:5] == ["celery", "--quiet", "-A", "config", "worker"]
    assert services["beat"]["command"][:5] == ["celery", "--quiet", "-A", "config", "beat"]
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "beat"}
    assert services["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_the_image_installs_the_lock_and_runs_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    assert "pip install --no-cache-dir -r requirements/runtime.txt" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
