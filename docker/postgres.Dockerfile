# PostgreSQL 15 from Debian 12 for Leadline's call records, leads and recordings index.
# The first start creates the cluster in /var/lib/postgresql/data with the role and
# database leadline (password from POSTGRES_PASSWORD or the file POSTGRES_PASSWORD_FILE);
# the service creates and migrates its tables itself.
ARG BASE_IMAGE=localhost/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY docker/postgres/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data \
    POSTGRES_LISTEN=127.0.0.1 \
    POSTGRES_PORT=5432
USER postgres
ENTRYPOINT ["sh", "/usr/local/bin/postgres-entrypoint.sh"]
