FROM node:22-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
RUN npm run build && npm install --global serve@14.2.3

FROM python:3.12-slim AS api
COPY . /src
RUN pip install --no-cache-dir /src

FROM web AS final
COPY --from=api /src /src
RUN npm ci
