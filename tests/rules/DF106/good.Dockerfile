# a build stage's caches never ship: only the final image and its ancestors count
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc
RUN pip install --requirement requirements.txt --target /deps

FROM debian:12-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends git
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends make
RUN apt-get install -y --no-install-recommends patch && apt-get clean
RUN apk add --no-cache curl
RUN apk add --virtual .deps git && rm -rf /var/cache/apk/*
RUN pip install --no-cache-dir flask==3.0.3
RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3
RUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.3

FROM runtime
ENV PIP_NO_CACHE_DIR=1
RUN pip install gunicorn==23.0.0
COPY --from=build /deps /deps
RUN apt-get update && apt-get install -y --no-install-recommends curl && apt-get dist-clean
RUN apt update; apt install -y --no-install-recommends wget; apt distclean
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN apt-get install -y --no-install-recommends less && apt-get distclean
RUN scanelf --needed --nobanner /usr/local/bin/python3 \
    | xargs -rt apk add --no-network --virtual .python-rundeps
