FROM node:22.11-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
RUN npm install -g npm@10.9.0 && npm ci
RUN npm install --global pm2
RUN yarn install --frozen-lockfile && yarn build
RUN yarn install --immutable
RUN yarn add left-pad
RUN pnpm install --frozen-lockfile
RUN pnpm add lodash
RUN echo "npm install" > notes.txt
# npm install is not run here
RUN npm run install-deps
RUN pip install --no-cache-dir -r requirements.txt
USER node
