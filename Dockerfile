# Production image: web (gunicorn), worker, beat and Flower all run from it.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY worker ./worker
COPY integrations ./integrations
COPY policies ./policies
RUN pip install --no-cache-dir --prefix=/install ".[ops]"

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 GOODWILL_DATA_DIR=/var/lib/goodwill \
    PROMETHEUS_MULTIPROC_DIR=/var/lib/goodwill/prometheus
COPY --from=build /install /usr/local
RUN useradd --system --uid 10001 --home /var/lib/goodwill goodwill \
    && mkdir -p /var/lib/goodwill/prometheus && chown -R goodwill /var/lib/goodwill
USER goodwill
WORKDIR /var/lib/goodwill
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
CMD ["goodwill", "web", "--host", "0.0.0.0", "--port", "8000", "--workers", "3"]
