# The one Dockerfile of every service image; the service is a build argument, the repo root the context:
#   docker build --build-arg SERVICE=<name> -t platform/<name>:dev .
# A new service needs nothing here: it is services/<name>/ with the shape every service has (bundle/main.mjs, its
# esbuild bundle, and a dist/config.js whose configSchema defaults OPS_PORT or PORT, the port answering /healthz).
# Stages: prune the monorepo to the service -> install (only when a lockfile or manifest changed) -> build ->
# test (a failing test fails the build) -> production dependencies -> slim runtime with what the service's workspaces
# ship (their package "files": dist, and e.g. the storefront's views/ and public/) and production deps only.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false
# turbo at the version the lockfile pins, installed before the sources so it is cached, and shared by every service
# (declared after it, SERVICE does not split this layer's cache)
COPY package-lock.json ./
RUN npm install --global --no-audit --no-fund \
      "turbo@$(node -p "require('./package-lock.json').packages['node_modules/turbo'].version")"
ARG SERVICE
RUN test -n "${SERVICE}" || { echo 'SERVICE is required: docker build --build-arg SERVICE=<name> .' >&2; exit 1; }
COPY . .
RUN test -f "services/${SERVICE}/package.json" || { echo "no service services/${SERVICE}" >&2; exit 1; } \
 && turbo prune "@platform/${SERVICE}" --docker --out-dir /out \
 && cp scripts/compose/production-workspaces.mjs /out/

FROM ${NODE_IMAGE} AS install
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false
# manifests and the pruned lockfile only: this layer is rebuilt when dependencies change, not when code does
COPY --from=prune /out/json/ ./
RUN npm ci --no-audit --no-fund

FROM install AS build
ARG SERVICE
COPY --from=prune /out/full/ ./
RUN npx turbo run build --filter="@platform/${SERVICE}..." --output-logs=errors-only

FROM build AS test
ARG SERVICE
COPY --from=prune /out/production-workspaces.mjs /tmp/
# what the runtime ships of each production workspace (its package "files"), collected once the tests passed
RUN npx turbo run test --filter="@platform/${SERVICE}" --output-logs=new-only \
 && node /tmp/production-workspaces.mjs list "@platform/${SERVICE}" >/tmp/release-files \
 && mkdir /release && xargs -I{} cp -r --parents {} /release/ </tmp/release-files \
 && test -s "/release/services/${SERVICE}/bundle/main.mjs" \
 && test -s "/release/services/${SERVICE}/dist/config.js"

FROM install AS production-dependencies
ARG SERVICE
COPY --from=prune /out/production-workspaces.mjs /tmp/
RUN node /tmp/production-workspaces.mjs apply "@platform/${SERVICE}" \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && find node_modules -mindepth 1 -type d -empty -delete

FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG SERVICE
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="platform/${SERVICE}" \
      org.opencontainers.image.description="The ${SERVICE} service of the TypeScript microservices platform" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
# a container's network is its own, so it listens on all of its interfaces (a process on a host defaults to loopback)
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
# dependencies first (they change seldom), then the built code; root owns both, so the service cannot rewrite itself
COPY --from=production-dependencies /app/ ./
COPY --from=test /release/ ./
WORKDIR /app/services/${SERVICE}
USER node
# /healthz on the port the service answers it on: OPS_PORT (a gRPC service) or PORT (an HTTP one) as configured,
# else the default of the service's own config schema, so no port is written here for any service
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "--input-type=module", "--eval", "const { properties: p } = (await import('./dist/config.js')).configSchema; const port = process.env.OPS_PORT || process.env.PORT || (p.OPS_PORT ?? p.PORT).default; const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) }).then((r) => r.ok, () => false); process.exit(ok ? 0 : 1);"]
# the bundle: one file to read and compile instead of a thousand modules (packages/service-bundler)
CMD ["node", "bundle/main.mjs"]
