FROM node:22.11-bookworm-slim
WORKDIR /app
COPY package.json yarn.lock pnpm-lock.yaml ./
# yarn and pnpm get no edit: the right flag depends on the version
# expect: SH001@27
RUN corepack enable; yarn install --production
# expect: SH001@25
RUN NODE_ENV=production yarn
# expect: SH001@10
RUN pnpm install --prod > /dev/null 2>&1 || exit 1
