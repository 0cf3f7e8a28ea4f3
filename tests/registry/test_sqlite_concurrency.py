"""The embedded SQLite holds up under a few people writing at once: no "database is locked"."""

import threading

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

WRITERS, WRITES = 8, 40


@pytest.mark.skipif(settings.DATABASE_IS_POSTGRES, reason="about the SQLite settings only")
def test_concurrent_writers_on_the_configured_sqlite_never_see_database_is_locked(tmp_path,
                                                                               django_db_blocker):
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "almanac.sqlite3")}
    config.setdefault("TEST", {})

    def connect() -> DatabaseWrapper:
        return DatabaseWrapper(dict(config), alias="concurrency")

    django_db_blocker.unblock()
    setup = connect()
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    setup.close()

    errors: list[Exception] = []

    def writer() -> None:
        connection = connect()
        try:
            for _ in range(WRITES):
                # read-modify-write in one transaction: the pattern that deadlocks with
                # deferred transactions ("database is locked") and is safe with IMMEDIATE
                with connection.cursor() as cursor:
                    cursor.execute(f"BEGIN {config['OPTIONS']['transaction_mode']}")
                    (n,) = cursor.execute("SELECT n FROM counter WHERE id = 1").fetchone()
                    cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
                    cursor.execute("COMMIT")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    check = connect()
    with check.cursor() as cursor:
        assert cursor.execute("SELECT n FROM counter").fetchone()[0] == WRITERS * WRITES
    check.close()
    django_db_blocker.restore()
