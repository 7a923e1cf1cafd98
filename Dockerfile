# syntax=docker/dockerfile:1
# Build stage: install all dependencies and compile TypeScript to dist/.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The `node` dev dependency is only for machines without Node 24; the image has it.
RUN npm ci --no-audit --no-fund --omit=optional
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and compiled code only, as a non-root user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Without CHATOPS_ROLE this runs the supervisor, with the bot and the worker as child
# processes (they inherit these flags: each has its own heap limit). PORT serves Slack,
# /healthz, /readyz and /metrics.
# A small young generation, and an explicit old-space limit: without one V8 sizes the heap
# from the host's RAM and lets garbage pile up to match, so RSS followed the machine, not the
# work. The processes hold little state (500 followed builds live in well under 128 MB; see
# `npm run bench`). Raise --max-old-space-size with worker concurrency if you raise that a lot.
CMD ["node", "--max-semi-space-size=8", "--max-old-space-size=512", "dist/src/main.js"]
