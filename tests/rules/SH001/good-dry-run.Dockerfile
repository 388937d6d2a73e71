FROM node:22.11.0-slim
# a dry run or a lockfile-only update installs nothing from the lockfile
RUN npm install --dry-run
RUN npm ci --dry-run
RUN pnpm install --lockfile-only
RUN yarn install --mode=update-lockfile
RUN yarn install --mode update-lockfile
RUN npm install --package-lock-only
RUN pnpm install --resolution-only
