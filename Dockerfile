# evbot: slim Python image, non-root user, the store on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    EVBOT_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY knowledge ./knowledge
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 evbot \
    && mkdir -p /data && chown evbot:evbot /data

USER evbot
VOLUME ["/data"]
EXPOSE 3000
# Upgrades the schema, then starts every configured adapter (Slack on port 3000, Discord, digests).
CMD ["evbot", "run"]
