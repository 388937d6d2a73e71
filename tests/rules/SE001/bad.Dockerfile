FROM python:3.12-slim
# expect: SE001@17
ENV DB_PASSWORD=s3cr3t-passw0rd
# expect: SE001@15
ARG NPM_TOKEN=npm_0123456789abcdef
# a placeholder is still the password the service gets
# expect: SE001@24
ENV POSTGRES_PASSWORD="changeme"
ENV APP_NAME=web \
# expect: SE001@13
    API_KEY=3f9a1c77e2b04d6a \
    LOG_LEVEL=info
# expect: SE001@23
ENV AWS_ACCESS_KEY_ID=AKIAZ7XQ3MPLE4WR2NQT
# expect: SE001@14
ENV GIT_AUTH=ghp_0123456789abcdefghijABCDEFGHIJ012345
# expect: SE001@19
ENV secretKeyBase=9f86d081884c7d659a2feaa0c55ad015
# expect: SE001@16
ENV REDIS_PASS 0penSesame
USER app
