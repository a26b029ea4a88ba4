# Redis 7 from Debian 12 for Leadline's live state and queues: append-only file,
# noeviction (a queue must never lose a job to eviction). Port and bind address from
# the environment (the stack runs on the host network).
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
ENV REDIS_BIND=127.0.0.1 REDIS_PORT=6379
USER redis
WORKDIR /data
CMD exec redis-server --bind "$REDIS_BIND" --port "$REDIS_PORT" --dir /data \
      --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
      --protected-mode yes --save ""
