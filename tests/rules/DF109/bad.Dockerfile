FROM node:22-slim
# expect: DF109
COPY .npmrc package.json package-lock.json ./
# expect: DF109
COPY .env /app/.env
# expect: DF109
COPY config/.env.production /app/
# expect: DF109
COPY --chown=node keys/id_rsa /home/node/.ssh/id_rsa
# expect: DF109
ADD tls/server.key /etc/ssl/private/
# expect: DF109
COPY ["secrets/private.pem", "/etc/app/"]
# expect: DF109
COPY .aws/credentials /root/.aws/credentials
# expect: DF109
COPY --from=builder /root/.ssh /root/.ssh
# expect: DF109
ONBUILD COPY credentials.json /app/
