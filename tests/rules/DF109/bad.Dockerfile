FROM node:22-slim
# expect: DF109@6
COPY .npmrc package.json package-lock.json ./
# expect: DF109@6
COPY .env /app/.env
# expect: DF109@6
COPY config/.env.production /app/
# expect: DF109@19
COPY --chown=node keys/id_rsa /home/node/.ssh/id_rsa
# expect: DF109@5
ADD tls/server.key /etc/ssl/private/
# expect: DF109@7
COPY ["secrets/private.pem", "/etc/app/"]
# expect: DF109@6
COPY .aws/credentials /root/.aws/credentials
# expect: DF109@21
COPY --from=builder /root/.ssh /root/.ssh
# expect: DF109@14
ONBUILD COPY credentials.json /app/
# expect: DF109@6-17
COPY gcp-sa.json $GOOGLE_APPLICATION_CREDENTIALS
# expect: DF109@5-10
ADD creds ${AWS_SHARED_CREDENTIALS_FILE}
