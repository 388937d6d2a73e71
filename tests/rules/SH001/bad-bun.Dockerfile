FROM oven/bun:1.1.38
WORKDIR /app
COPY package.json bun.lock ./
# expect: SH001@9-16
RUN bun install --production
