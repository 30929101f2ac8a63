# The service desk: REST API, web pages and the Temporal worker in one Node process.
# Built and run by docker-compose.yml, which supplies Postgres, Temporal and SMTP.
FROM node:20-slim

WORKDIR /app
# Run as the image's unprivileged `node` user (embedded Postgres, if ever used, refuses root).
RUN chown node:node /app
USER node

# Dependencies first, so a source change does not reinstall them.
# patches/: fixes to dependencies that upstream has not released, applied by npm ci (postinstall).
COPY --chown=node:node package.json package-lock.json ./
COPY --chown=node:node patches ./patches
RUN npm ci && npm cache clean --force

COPY --chown=node:node . .

# Two malloc arenas: the engine's threads otherwise each keep their own (~100 MiB more RSS, bench open).
ENV HOST=0.0.0.0 \
    PORT=3000 \
    MALLOC_ARENA_MAX=2
EXPOSE 3000

CMD ["node", "--import", "tsx", "src/main.ts"]
