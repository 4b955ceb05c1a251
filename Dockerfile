# One image for every role: the API (the default command) and the worker
# (`node dist/apps/worker/src/main.js`); FOYER_ROLES chooses what a process runs.
#
# Built on the active Node LTS. The code itself supports Node 20.19 and later (package.json
# `engines`), so a base image of any supported line works too: --build-arg NODE_IMAGE=node:22-bookworm-slim
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so a change to the sources reuses this layer. `npm ci` runs `prisma generate`
# (postinstall), which needs the schema and prisma.config.ts.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The app applies prisma/migrations itself at start (docs/operations.md, "Upgrades").
COPY --from=build /app/prisma ./prisma
# The image's `node` user, by number so Kubernetes can check runAsNonRoot. Nothing is written
# under /app: in production every secret comes from the environment and the stores are remote,
# so the root file system can be mounted read-only.
USER 1000:1000
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
