"""Export every table of every app to one file, and import it into an empty database.

Generic on purpose: the tables are every model Django knows (`apps.get_models()`, the
automatic many-to-many tables included), so a model another app adds later is exported with
no change here. Rows keep their primary keys, so every reference between them survives.

The file is JSON Lines (gzip-compressed when its name ends in `.gz`):

    line 1    {"format": "almanac-export", "version": 1, "created": ..., "almanac": ...,
               "database": "postgresql", "migrations": {"wiki": ["0001_initial", ...], ...},
               "models": {"wiki.page": 120, ...}}
    then      {"model": "wiki.page", "pk": 7, "fields": {...}}    one row a line, Django's
              "python" serialization (foreign keys as ids, dates in full ISO 8601),
              models in dependency order

Many-to-many rows are exported as rows of their own table, so loading never fires the
`m2m_changed` signals; rows are inserted raw, as `loaddata` does (no `save()`, no signals, no
`auto_now` stamping), many to a statement. Generated columns (the search vectors) are left out: the database
computes them again, and SQLite's full-text table fills itself from its triggers.

An import is all or nothing (one transaction) and refuses:
  * a file of another format or version;
  * a database whose applied migrations differ from the export's (migrate it to the same
    state first: the rows must fit the tables);
  * a database that already has people in it, unless told to replace everything.
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model

from config.version import almanac_version

FORMAT = "almanac-export"
VERSION = 1
BATCH = 1000


class BackupError(Exception):
    """The file or the target database is not what an import needs; nothing was changed."""


class Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder rounds times to milliseconds (ECMA-262); a backup keeps microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def exported_models(using: str) -> list[type[Model]]:
    """Every table Django manages on this database, referenced tables before those that
    point at them (cycles, broken arbitrarily, are fine: constraints are checked at commit)."""
    candidates = [model for model in apps.get_models(include_auto_created=True)
                  if model._meta.managed and not model._meta.proxy
                  and router.allow_migrate_model(using, model)]
    ordered: list[type[Model]] = []
    seen: set[type[Model]] = set()

    def visit(model: type[Model], path: set[type[Model]]) -> None:
        if model in seen or model in path:
            return
        for field in model._meta.local_fields:
            target = field.related_model if field.many_to_one or field.one_to_one else None
            if target is not None and target is not model and target in candidates:
                visit(target, path | {model})
        seen.add(model)
        ordered.append(model)

    for model in sorted(candidates, key=lambda m: m._meta.label_lower):
        visit(model, set())
    return ordered


def serialized_fields(model: type[Model]) -> list[str]:
    """The local columns: many-to-many rows travel in their own tables, generated columns are
    the database's to compute."""
    return [field.name for field in model._meta.local_fields
            if field.serialize and not getattr(field, "generated", False)]


AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}


def sequence_name(cursor: Any, vendor: str, model: type[Model]) -> str | None:
    if model._meta.pk.get_internal_type() not in AUTO_FIELDS:
        return None
    if vendor == "sqlite":
        return model._meta.db_table
    if vendor == "postgresql":
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                       [model._meta.db_table, model._meta.pk.column])
        return cursor.fetchone()[0]
    return None


def sequences(models: Iterable[type[Model]], using: str) -> dict[str, int]:
    """The highest id each table ever handed out (a deleted row's id included), so that after
    an import no new row takes the id of one that was deleted and that old activity names."""
    connection = connections[using]
    found = {}
    with connection.cursor() as cursor:
        for model in models:
            name = sequence_name(cursor, connection.vendor, model)
            if name is None:
                continue
            if connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
                row = cursor.fetchone()
                found[model._meta.label_lower] = row[0] if row else 0
            else:
                cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {name}")
                found[model._meta.label_lower] = cursor.fetchone()[0]
    return found


def restore_sequences(models: Iterable[type[Model]], values: dict[str, int], using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):  # at least max(id)
            cursor.execute(sql)
        for model in models:
            value = values.get(model._meta.label_lower, 0)
            name = sequence_name(cursor, connection.vendor, model)
            if not value or name is None:
                continue
            if connection.vendor == "sqlite":
                cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [value, name])
                if not cursor.rowcount:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value])
            else:
                cursor.execute(f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {name})))",
                               [name, value])


def applied_migrations(using: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        found.setdefault(app_label, []).append(name)
    return found


@contextmanager
def open_text(path: Path, mode: str) -> Iterator[IO[str]]:
    if path.suffix == ".gz":
        with gzip.open(path, mode + "t", encoding="utf-8") as file:
            yield file
    else:
        with open(path, mode, encoding="utf-8") as file:
            yield file


def rows(model: type[Model], using: str) -> Iterator[dict[str, Any]]:
    queryset = model._base_manager.using(using).order_by("pk").iterator(chunk_size=BATCH)
    fields = serialized_fields(model)
    while batch := list(islice(queryset, BATCH)):
        yield from serializers.serialize("python", batch, fields=fields)


def export_all(path: Path, *, using: str = "default") -> dict[str, int]:
    """Write every row of every table to `path`, atomically: into a temporary file (readable
    by its owner only: it holds password and token hashes) renamed at the end. Returns the
    number of rows per model."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        with open_text(Path(temporary), "w") as file:
            counts = write_export(file, using=using)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def write_export(file: IO[str], *, using: str = "default") -> dict[str, int]:
    connection = connections[using]
    models = exported_models(using)
    # One transaction, so the file is one consistent snapshot of the database.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts = {model._meta.label_lower: model._base_manager.using(using).count() for model in models}
        header = {"format": FORMAT, "version": VERSION,
                  "created": datetime.datetime.now(datetime.UTC).isoformat(),
                  "almanac": almanac_version(), "database": connection.vendor,
                  "migrations": applied_migrations(using), "models": counts,
                  "sequences": sequences(models, using)}
        file.write(json.dumps(header) + "\n")
        for model in models:
            for row in rows(model, using):
                file.write(json.dumps(row, cls=Encoder, ensure_ascii=False) + "\n")
    return counts


def read_header(file: IO[str]) -> dict[str, Any]:
    try:
        header = json.loads(file.readline())
    except (json.JSONDecodeError, UnicodeDecodeError, EOFError, OSError) as error:
        raise BackupError(f"This is not an Almanac export: its first line is not JSON ({error}).") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This is not an Almanac export: its first line does not say "
                          f'"format": "{FORMAT}".')
    if header.get("version") != VERSION:
        raise BackupError(f"This export is format version {header.get('version')}; this Almanac "
                          f"reads version {VERSION}.")
    return header


def check_migrations(header: dict[str, Any], using: str) -> None:
    theirs = {(app, name) for app, names in header["migrations"].items() for name in names}
    ours = {(app, name) for app, names in applied_migrations(using).items() for name in names}
    if theirs == ours:
        return
    missing = sorted(f"{app}.{name}" for app, name in theirs - ours)
    extra = sorted(f"{app}.{name}" for app, name in ours - theirs)
    parts = []
    if missing:
        parts.append(f"not applied here: {', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}")
    if extra:
        parts.append(f"applied here but not in the export: {', '.join(extra[:10])}"
                     f"{' …' if len(extra) > 10 else ''}")
    raise BackupError("This database's schema is not the one the export was taken from ("
                      + "; ".join(parts) + "). Run `manage.py migrate` (to the export's migrations) "
                      "on an empty database, then import.")


def flush(models: Iterable[type[Model]], using: str) -> None:
    connection = connections[using]
    tables = [model._meta.db_table for model in models]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=False))


def import_all(path: Path, *, using: str = "default", replace: bool = False) -> dict[str, int]:
    with open_text(Path(path), "r") as file:
        return read_export(file, using=using, replace=replace)


def read_export(file: IO[str], *, using: str = "default", replace: bool = False) -> dict[str, int]:
    """Load an export into the database `using`, replacing every row of every table (the
    rows `migrate` put there too: content types, permissions, built-in templates), in one
    transaction. Returns the number of rows per model."""
    models = exported_models(using)
    by_label = {model._meta.label_lower: model for model in models}
    header = read_header(file)
    check_migrations(header, using)
    unknown = sorted(set(header["models"]) - set(by_label))
    if unknown:
        raise BackupError(f"The export has tables this Almanac does not know: {', '.join(unknown)}.")
    people = get_user_model()._base_manager.using(using).count()
    if people and not replace:
        raise BackupError(
            f"This database is not empty: it has {people} people. An import replaces everything "
            "in it: import into a freshly migrated database, or add --replace to wipe this one.")
    counts: dict[str, int] = dict.fromkeys(by_label, 0)
    with transaction.atomic(using=using):
        flush(models, using)
        pending: list[dict[str, Any]] = []
        for number, row in numbered_rows(file):
            if not isinstance(row, dict) or row.get("model") not in by_label:
                raise BackupError(f"Line {number} is not a row of a known table; nothing was imported.")
            if pending and (pending[0]["model"] != row["model"] or len(pending) >= BATCH):
                counts[pending[0]["model"]] += insert(pending, using)
                pending = []
            pending.append(row)
        if pending:
            counts[pending[0]["model"]] += insert(pending, using)
        expected = header["models"]
        short = sorted(label for label in set(expected) | set(counts)
                       if expected.get(label, 0) != counts.get(label, 0))
        if short:
            raise BackupError("The export is incomplete (truncated?): the rows of "
                              f"{', '.join(short)} do not add up to its header; nothing was imported.")
        restore_sequences(models, header.get("sequences", {}), using)
    ContentType.objects.clear_cache()  # ids may differ from what this process cached
    return counts


def numbered_rows(file: IO[str]) -> Iterator[tuple[int, Any]]:
    number = 1
    try:
        for number, line in enumerate(file, start=2):
            yield number, json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(f"Line {number} is not JSON ({error}); nothing was imported.") from error
    except (OSError, EOFError) as error:  # a damaged or cut gzip stream
        raise BackupError(f"The file cannot be read past line {number} ({error}); "
                          "nothing was imported.") from error


def insert(batch: list[dict[str, Any]], using: str) -> int:
    """Insert rows of one model exactly as they are: primary keys kept, no save(), no
    signals, and no `auto_now` stamping. That is the raw insert `loaddata` does through
    `save_base(raw=True)`, here many rows to a statement."""
    try:
        objects = [item.object for item in serializers.deserialize("python", batch, using=using)]
    except serializers.base.DeserializationError as error:
        raise BackupError(f"A row of {batch[0].get('model')} cannot be read: {error}") from error
    model = type(objects[0])
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    size = max(connections[using].ops.bulk_batch_size(fields, objects), 1)
    for start in range(0, len(objects), size):
        model._base_manager.using(using)._insert(objects[start:start + size], fields=fields, raw=True)
    return len(objects)
