# syntax=docker/dockerfile:1
# One image for every maestro module: `docker run --init maestro start <module>` (or `migrate`).
# With the local runtime (the default) game rooms are processes of this container: the sample
# room is in examples/, bash runs their room keepers, and their state lives in /var/lib/maestro.
# Run it with an init process (`--init`, compose `init: true`) so exited rooms are reaped.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci links the workspace packages: their manifests must be there first.
COPY packages/management-client/package.json packages/management-client/
COPY packages/rooms-client/package.json packages/rooms-client/
COPY packages/game-room-sdk/package.json packages/game-room-sdk/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY packages packages
COPY bin bin
COPY src src
COPY workflows workflows
COPY activities activities
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MAESTRO_LOCAL_RUNTIME_DIR=/var/lib/maestro
WORKDIR /app
# The local runtime's room keepers are bash scripts; the state directory belongs to the user that
# runs maestro (a named volume mounted there starts with this ownership).
RUN bash --version >/dev/null \
 && mkdir -p /var/lib/maestro \
 && chown node:node /var/lib/maestro
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
# node_modules/@maestro/* are links into packages/ (npm workspaces), built there; the sample game
# room in examples/ requires @maestro/game-room-sdk through them.
COPY --from=build /app/packages packages
COPY --from=build /app/bin bin
COPY --from=build /app/dist dist
COPY examples examples
USER node
EXPOSE 8080 8081 9090 8070 8071 9070 8091 8092 8093
ENTRYPOINT ["node", "bin/maestro.js"]
CMD ["start", "all"]
