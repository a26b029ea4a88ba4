# Leadline service (TypeScript on Node 20, run with tsx). ffmpeg compresses recordings.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
# Only the Kamailio template: leadline.yaml (with its secrets) is mounted at run time.
COPY config/kamailio.cfg.tpl ./config/kamailio.cfg.tpl
# The supervisor console's pages, served by the service from web/dist.
COPY web ./web
RUN npm run build:web
ENV NODE_ENV=production \
    LEADLINE_CONFIG=/etc/leadline/leadline.yaml
# umask 027: the spool, rendered configs and logs the service writes are not world-readable.
CMD ["sh", "-c", "umask 027 && exec npx tsx src/main.ts"]
