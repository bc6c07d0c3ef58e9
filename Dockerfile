# syntax=docker/dockerfile:1
#
# Superflag API image.
#   docker build -t superflag .
#   docker run -p 3000:3000 -v superflag-data:/data superflag          # embedded PostgreSQL under /data
#   docker run -p 3000:3000 -e DATABASE_URL=postgres://… superflag     # external PostgreSQL
# Every setting is an environment variable (see AppConfig in libs/core/src/config/app-config.ts).

# ---- build: compile the TypeScript, then drop the dev dependencies ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
# swagger-ui-dist pulls in @scarf/scarf, whose install script phones home.
ENV SCARF_ANALYTICS=false

# The lockfile alone decides node_modules, so this layer is reused until dependencies change.
COPY package.json package-lock.json ./
RUN npm ci

COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
# `nest build api` writes dist/apps/api/src/main.js, dist/apps/api/src/migrate.js, dist/libs and dist/migrations.
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: production dependencies and compiled output only ----
FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data

# Application files stay owned by root (read-only to the process); only /data is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# The embedded database lives here when DATABASE_URL is not set. Created and chowned before VOLUME,
# so a fresh named volume inherits the node user's ownership.
RUN mkdir -p /data && chown node:node /data

USER node
EXPOSE 3000
VOLUME /data

# No curl in slim images: node's own fetch checks liveness.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# The app handles SIGTERM itself (Nest shutdown hooks close HTTP, the database pool and Redis).
STOPSIGNAL SIGTERM
# Migrations run at start-up under an advisory lock; `node dist/apps/api/src/migrate.js` runs them alone.
CMD ["node", "dist/apps/api/src/main.js"]
