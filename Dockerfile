# QA platform image: web (gunicorn), Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them (psycopg[binary] needs no compiler).
COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --system --create-home --home-dir /home/qa --uid 1000 qa
COPY --chown=qa:qa . .

# Static files are part of the image: WhiteNoise serves them (hashed, compressed) from STATIC_ROOT.
ENV STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media
RUN python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media \
    && chown -R qa:qa /app/var /app/staticfiles

USER qa
EXPOSE 8000
CMD ["gunicorn", "qa_platform.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
