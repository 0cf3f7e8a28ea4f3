"""A real Redis broker for the tests marked `redis`: one's own server on a free port (to stop
and start it without touching the shared one), and the app pointed at it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import kombu.pools

from config.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """`redis-server` on `port`, in memory only; `stop()` and `start()` as often as needed."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.1):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@contextlib.contextmanager
def broker(url: str) -> Iterator[None]:
    """Publish to `url` instead of running tasks in-process."""
    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    # Celery's conf.broker_url prefers the CELERY_BROKER_URL environment variable (CI sets it)
    # over what conf.update says: point both at `url`
    saved_env = os.environ.get("CELERY_BROKER_URL")
    _reset_pools()
    os.environ["CELERY_BROKER_URL"] = url
    conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        _reset_pools()
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        conf.update(**saved)


def _reset_pools() -> None:
    # the producer pools keep connections to the broker they were made for (kombu's are global)
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
