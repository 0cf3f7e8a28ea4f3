"""gunicorn's settings for `make serve` and the container: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be changed from the environment:

    HOST, PORT             where to listen (0.0.0.0 and 8000 in the container)
    WEB_CONCURRENCY        worker processes (default: 2 per CPU core + 1, at most 12)
    GUNICORN_TIMEOUT       seconds a request may take before its worker is replaced (60)
    GUNICORN_GRACEFUL_TIMEOUT  seconds to finish open requests on a restart or stop (30)
    GUNICORN_MAX_REQUESTS  requests after which a worker is replaced, against slow leaks (1000)
    FORWARDED_ALLOW_IPS    proxies trusted for X-Forwarded-* (127.0.0.1)
    LOG_LEVEL              as for Django

A graceful restart (new code, same port, no dropped request): `kill -HUP <master pid>`.
Logs: the access log on stdout, everything else on stderr, one JSON object per line
(config/logging.py), the access line with the request id Django returned.
"""

import multiprocessing
import os

from config.logging import logging_config

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(multiprocessing.cpu_count() * 2 + 1, 12))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL", "INFO").upper())
