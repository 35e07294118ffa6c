# The kgd image (kgd webhook serve in deploy/webhook/, kgd serve --cluster --host 0.0.0.0; any kgd command in a pod):
# docker build -t kgd:0.1.0 .
# Two stages: compile TypeScript with the dev dependencies, then keep only the runtime ones.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY web ./web
RUN npx tsc -p tsconfig.json && npm run build:web && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist/src ./dist/src
COPY --from=build /src/dist/web ./dist/web
COPY docs/rules ./docs/rules
COPY docs/json-output.md ./docs/json-output.md
COPY deploy ./deploy
USER 1000
ENTRYPOINT ["node", "/app/bin/kgd.js"]
CMD ["--help"]
