"""export_all / import_all: a seeded instance goes into a fresh database with nothing lost."""

import copy
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import psycopg2
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend

from config.backup import exported_models, sequences
from registry.models import Person

RESTORE = "restore"


@contextmanager
def postgres_database(settings_dict: dict) -> Iterator[None]:
    params = {"host": settings_dict["HOST"] or None, "port": settings_dict["PORT"] or None,
              "user": settings_dict["USER"] or None, "password": settings_dict["PASSWORD"] or None}
    server = psycopg2.connect(dbname="postgres", **params)
    server.autocommit = True
    name = settings_dict["NAME"]
    try:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()


@pytest.fixture
def restore_db(db, tmp_path):
    """A second, empty database of the same engine, migrated as `migrate` leaves a new one. Its
    connection is made here rather than declared in the settings, so the test case allows it."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    if connections["default"].vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restore.sqlite3")
        created = nullcontext()
    else:  # test_<yours>_restore: parallel runs on one server do not meet
        settings_dict["NAME"] = f"{settings_dict['NAME']}_restore"
        created = postgres_database(settings_dict)
    with created:
        connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, RESTORE)
        connections[RESTORE] = connection
        try:
            call_command("migrate", database=RESTORE, verbosity=0)
            yield RESTORE
        finally:
            connection.close()
            del connections[RESTORE]


def table_rows(alias: str, table: str, order_by: str) -> list[tuple]:
    with connections[alias].cursor() as cursor:
        quote = connections[alias].ops.quote_name
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(order_by)}")
        return cursor.fetchall()


def test_a_seeded_instance_round_trips_into_an_empty_database(restore_db, tmp_path):
    call_command("seed_demo")
    call_command("create_api_token", "demo", "--name", "ci")
    path = tmp_path / "almanac.jsonl.gz"

    call_command("export_all", str(path))
    call_command("import_all", str(path), "--database", restore_db)

    models = exported_models("default")
    assert {m._meta.label_lower for m in apps.get_models(include_auto_created=True)} == {
        m._meta.label_lower for m in models}
    compared = 0
    for model in models:  # every column of every row, table by table
        table, pk = model._meta.db_table, model._meta.pk.column
        source = table_rows("default", table, pk)
        assert table_rows(restore_db, table, pk) == source, table
        compared += len(source)
    assert compared > 1500
    # the ids handed out so far too, so no new row reuses a deleted one's
    assert sequences(models, restore_db) == sequences(models, "default")
    for label in ["wiki.pagerevision", "lifecycle.approval", "registry.activity", "accounts.apitoken",
                  "search.searchdocument", "wiki.page_documents_projects"]:
        assert apps.get_model(label)._base_manager.using(restore_db).exists(), label
    assert Person.objects.using(restore_db).get(username="demo").check_password("demo")
    header = json.loads(gzip.decompress(path.read_bytes()).decode().partition("\n")[0])
    assert header["format"] == "almanac-export" and header["version"] == 1
    assert header["models"]["wiki.pagerevision"] == model_count("wiki.pagerevision", restore_db)


def model_count(label: str, alias: str) -> int:
    return apps.get_model(label)._base_manager.using(alias).count()


def test_an_import_into_a_database_with_people_is_refused_unless_replacing(restore_db, tmp_path, member):
    path = tmp_path / "almanac.jsonl.gz"
    call_command("export_all", str(path))
    Person.objects.using(restore_db).create(username="someone")

    with pytest.raises(CommandError, match="not empty: it has 1 people.*--replace"):
        call_command("import_all", str(path), "--database", restore_db)
    assert list(Person.objects.using(restore_db).values_list("username", flat=True)) == ["someone"]

    call_command("import_all", str(path), "--database", restore_db, "--replace")
    assert list(Person.objects.using(restore_db).values_list("username", flat=True)) == ["member"]


def test_a_file_that_is_not_an_export_or_is_cut_short_changes_nothing(restore_db, tmp_path, member):
    not_export = tmp_path / "notes.jsonl"
    not_export.write_text('{"hello": "world"}\n')
    with pytest.raises(CommandError, match="not an Almanac export"):
        call_command("import_all", str(not_export), "--database", restore_db)

    path = tmp_path / "almanac.jsonl.gz"
    call_command("export_all", str(path))
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:-1]) + "\n")
    roles_before = list(apps.get_model("registry.role").objects.using(restore_db).values_list("slug"))
    with pytest.raises(CommandError, match="incomplete"):
        call_command("import_all", str(cut), "--database", restore_db)
    assert not Person.objects.using(restore_db).exists()
    assert list(apps.get_model("registry.role").objects.using(restore_db).values_list("slug")) == roles_before


def test_an_import_into_a_database_at_another_migration_is_refused(restore_db, tmp_path, db):
    path = tmp_path / "almanac.jsonl"
    call_command("export_all", str(path))
    lines = path.read_text().splitlines()
    header = json.loads(lines[0])
    header["migrations"]["wiki"].append("0099_from_the_future")
    path.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")

    with pytest.raises(CommandError, match="not applied here: wiki.0099_from_the_future"):
        call_command("import_all", str(path), "--database", restore_db)
