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
COPY config ./config
# The supervisor console's pages, served by the service from web/dist.
COPY web ./web
RUN npm run build:web
ENV NODE_ENV=production \
    LEADLINE_CONFIG=/etc/leadline/leadline.yaml
CMD ["npx", "tsx", "src/main.ts"]
