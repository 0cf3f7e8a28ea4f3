"""The first administrator comes from createsuperuser (`make admin`); demo data never reaches
production by accident."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.models import Person

ROOT = Path(__file__).resolve().parents[2]


def test_seed_demo_refuses_production_settings(settings, db):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="Refusing to load demo data with production settings.*--force"):
        call_command("seed_demo")

    assert not Person.objects.exists()


def test_seed_demo_seeds_production_when_forced(settings, db):
    settings.PRODUCTION = True

    call_command("seed_demo", "--force")

    assert Person.objects.get(username="demo").check_password("demo")


def test_the_production_settings_module_is_the_one_refused(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x" * 50,
           "ALLOWED_HOSTS": "almanac.example.com", "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}

    run = subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)

    assert run.returncode == 1
    assert "Refusing to load demo data with production settings (config.settings.production)" in run.stderr
    assert not (tmp_path / "prod.sqlite3").exists() or (tmp_path / "prod.sqlite3").stat().st_size == 0


def test_the_first_administrator_can_administer(client, db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long admin passphrase")
    call_command("createsuperuser", "--noinput", "--username", "ada", "--email", "ada@example.com")

    ada = Person.objects.get(username="ada")
    assert ada.is_staff and ada.is_superuser
    assert client.login(username="ada", password="a long admin passphrase")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/lifecycle/requirement/").status_code == 200
