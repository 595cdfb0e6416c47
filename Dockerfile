# syntax=docker/dockerfile:1
# The Storefleet API + dashboard. Three stages: build the UI with the full dependency tree,
# install production dependencies only, then copy sources, those dependencies and ui/dist into a
# small runtime image that runs as the unprivileged `node` user (UID 1000) with a read-only root
# filesystem (the chart mounts an emptyDir at /tmp for the Git working clone and tsx's cache).
# Build: docker build -t ghcr.io/<owner>/storefleet:<version> .
# Not built in this repository's development sandbox; CI builds it (.github/workflows/platform-image.yml).

# Node 24 LTS, the version package.json pins for development. Pin the digest in production
# (node:24.21.0-alpine@sha256:…) so a rebuilt tag cannot change the image under the same name.
ARG NODE_IMAGE=node:24.21.0-alpine
# restic for the API's backup catalog (`restic snapshots --json`, api/backups/): the static binary
# of the same pinned image the store pods copy theirs from (platform.yaml `backup.image`).
ARG RESTIC_IMAGE=docker.io/restic/restic:0.18.1

FROM ${RESTIC_IMAGE} AS restic

FROM ${NODE_IMAGE} AS ui
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: native tools (esbuild, rolldown) arrive as per-platform optional packages; the
# scripts would only fetch the development-time `node` binary package, which this image has.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY ui ./ui
# Vite writes ui/dist; the build script also fails when the bundle exceeds its size budget.
RUN node ui/scripts/build.ts

FROM ${NODE_IMAGE} AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
# git + ssh: the API drives the real git binary (simple-git); tini reaps git's child processes
# and forwards SIGTERM so a rolling update drains requests.
RUN apk add --no-cache git openssh-client ca-certificates tini
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOME=/tmp
# Everything is owned by root and only readable by the runtime user: the process cannot modify
# its own code even where the root filesystem is writable.
COPY --from=deps /src/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY api ./api
COPY contract ./contract
COPY generator ./generator
COPY constructs ./constructs
COPY gitops-repo-template ./gitops-repo-template
COPY argocd ./argocd
COPY --from=ui /src/ui/dist ./ui/dist
COPY --from=restic /usr/bin/restic /usr/local/bin/restic
USER 1000:1000
EXPOSE 3000
ENTRYPOINT ["/sbin/tini", "--", "node", "bin/storefleet.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3000"]
