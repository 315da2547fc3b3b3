# The reference backend. Built by docker-compose.yml.
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY backend/libs/cache/package.json ./backend/libs/cache/
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY backend/scripts ./backend/scripts
COPY backend/libs/cache ./backend/libs/cache
COPY backend/src ./backend/src
RUN npm run build && npm prune --omit=dev

FROM node:20-alpine
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/backend/libs/cache/package.json ./backend/libs/cache/
COPY --from=build /app/backend/libs/cache/dist ./backend/libs/cache/dist
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
