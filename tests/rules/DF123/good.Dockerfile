FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
    && apt-get -y --no-install-recommends install git \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get -y dist-upgrade
RUN apt-get update && install_packages curl
RUN apt-get update && ./scripts/install-deps.sh
RUN apt-get update && bash /tmp/setup.sh
RUN apt update && apt install -y --no-install-recommends curl
RUN apt-get update && xargs apt-get install -y --no-install-recommends < /tmp/packages.txt
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends curl
EOF
ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends make
RUN echo apt-get update
FROM alpine:3.20
RUN apk update && apk add --no-cache curl
RUN apk update && apk upgrade --no-cache
RUN apk --update add git
RUN apk update && ./install.sh
