# syntax=docker/dockerfile:1
# One image for every maestro module: `docker run maestro start <module>` (or `migrate`).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY src src
COPY workflows workflows
COPY activities activities
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/bin bin
COPY --from=build /app/dist dist
USER node
EXPOSE 8080 8081 9090 8070 8071 9070 8091 8092 8093
ENTRYPOINT ["node", "bin/maestro.js"]
CMD ["start", "all"]
