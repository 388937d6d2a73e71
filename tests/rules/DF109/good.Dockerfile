FROM node:22-slim
COPY package.json package-lock.json ./
COPY .env.example /app/.env.example
COPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt
COPY tls/fullchain.pem tls/server-cert.pem /etc/ssl/certs/
COPY keys/id_rsa.pub /home/node/.ssh/authorized_keys
COPY nodesource-repo.gpg.key /usr/share/keyrings/
COPY src/environment.ts src/keys.ts /app/src/
COPY --from=builder /app/dist /app/dist
ONBUILD COPY . /app
COPY config $AWS_CONFIG_FILE
COPY app.json $APP_CONFIG
