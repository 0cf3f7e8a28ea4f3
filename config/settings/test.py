from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
# The test client's login() authenticates without a request, which django-axes refuses;
# tests/accounts/test_login_lockout.py switches it on.
AXES_ENABLED = False
# Tests call tasks in-process even when CI sets CELERY_BROKER_URL; the tests marked `redis`
# switch to the real broker and a real worker themselves (tests/jobs/broker.py).
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
