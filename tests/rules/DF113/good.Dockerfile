FROM node:22-slim
ARG APP_DIR=/app
WORKDIR /usr/src/app
WORKDIR '/opt/tool'
WORKDIR $APP_DIR
WORKDIR "${APP_DIR}/web"
ONBUILD WORKDIR /build
