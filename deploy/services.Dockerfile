# The services' image: every Catwalk gRPC service and the job worker run from it (the
# command picks which). Built from the same fully pinned lock scripts/setup installs.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NUMBA_CACHE_DIR=/var/cache/catwalk/numba
WORKDIR /app
COPY requirements/services.lock requirements/services.lock
RUN pip install --no-cache-dir -r requirements/services.lock
COPY catwalk catwalk
COPY services services
COPY migrations migrations
RUN useradd --system --uid 10001 catwalk && mkdir -p /var/cache/catwalk/numba && chown -R catwalk /var/cache/catwalk
USER catwalk
