# Almanac's production image: gunicorn serves the app, the same image runs the Celery worker,
# beat and the release step (migrate). Dependencies come from the lock file only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    HOST=0.0.0.0 \
    PORT=8000

RUN groupadd --system --gid 10001 almanac \
 && useradd --system --uid 10001 --gid almanac --create-home --home-dir /home/almanac \
      --shell /usr/sbin/nologin almanac \
 && install -d -o almanac -g almanac /var/lib/almanac/beat /var/lib/almanac/backups

WORKDIR /app
COPY requirements/runtime.txt requirements/runtime.txt
RUN python -m pip install --no-cache-dir -r requirements/runtime.txt

# The code stays root's: the app user reads it and writes nothing here.
COPY . .
# Static files are collected into the image. The production settings refuse to load without
# a key and a host; these build-only values live in this one command's environment.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

USER almanac
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
