# The app as served: the same scripts/setup.sh as `./app.sh serve`, runtime part only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# Setup first, from the files it reads, so code changes reuse this layer.
COPY requirements.txt requirements-dev.txt constraints.txt ./
COPY scripts/setup.sh scripts/
RUN scripts/setup.sh --runtime-only && rm -rf /var/lib/apt/lists/* /root/.cache/pip

COPY . .
RUN useradd --create-home --uid 10001 app
USER app

ENV AUTOGRAD_BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD [".venv/bin/gunicorn", "-c", "gunicorn.conf.py", "webapp:create_app()"]
