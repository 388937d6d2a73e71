FROM node:22-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# expect: DF103@5
RUN npm run build
RUN go build ./...
CMD ["node", "dist/server.js"]
