"""Production: secrets have no default, so a missing one stops the boot."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PRODUCTION = True
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Only behind a proxy that sets it: the TLS-terminating proxy in front of gunicorn must set
# X-Forwarded-Proto on every request (overwriting any a client sent). Served without such a
# proxy, a client could claim HTTPS; set BEHIND_TLS_PROXY=false there.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=True)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the proxy every request comes from its address: count clients by X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TRUSTED_PROXY_COUNT}  # noqa: F405
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Webhooks may not call this network's own addresses (internal services, cloud metadata)
# unless an operator says so.
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)
