# The API as production runs it: compiled with `npm run build`, started with `node dist/main.js`,
# production dependencies only, as the unprivileged `node` user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# postinstall applies patches/ (patch-package is a production dependency for that reason)
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schema ./schema
COPY migrations ./migrations
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight requests (SHUTDOWN_GRACE_MS) before the process exits
STOPSIGNAL SIGTERM
# tracing.js preloads OpenTelemetry (set OTEL_EXPORTER_OTLP_ENDPOINT to turn it on; docs/operations.md)
CMD ["node", "--import", "./dist/observability/tracing.js", "dist/main.js"]
