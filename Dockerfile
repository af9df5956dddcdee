# govreports: one image for migrate, workers, beat and flower (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY scrapers ./scrapers
COPY pipelines ./pipelines
COPY workers ./workers
COPY seeds ./seeds
RUN pip install ".[postgres,flower]" \
 && useradd --create-home --uid 10001 govreports \
 && mkdir -p /data && chown govreports /data

USER govreports
ENV GOVREPORTS_DATA_DIR=/data
CMD ["govreports", "--help"]
