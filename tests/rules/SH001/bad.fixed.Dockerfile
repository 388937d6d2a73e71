FROM node:22.11-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# expect: SH001@9
RUN npm ci
# expect: SH001@9
RUN npm ci --omit=dev --no-audit && npm run build
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
# expect: SH001@12
    && npm ci --legacy-peer-deps \
    && rm -rf /var/lib/apt/lists/*
# expect: SH001@41
RUN echo building | tee log && sudo npm ci
USER node
