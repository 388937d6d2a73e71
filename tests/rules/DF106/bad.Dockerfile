FROM debian:12-slim AS base
# expect: DF106
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
# a cache only for the archives leaves the lists in the layer
RUN --mount=type=cache,target=/var/cache/apt \
    rm -f /etc/apt/apt.conf.d/docker-clean \
# expect: DF106
    && apt-get update && apt-get install -y --no-install-recommends make
RUN rm -f /etc/apt/apt.conf.d/docker-clean
# the lists are in a cache, but the .deb archives stay once docker-clean is gone
# expect: DF106
RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends gcc
# expect: DF106
RUN apk add curl
# expect: DF106
RUN pip install --requirement requirements.txt
# expect: DF106
RUN python3 -m pip install --upgrade pip==24.2
# expect: DF106
ONBUILD RUN apt update && apt install -y python3

FROM base
RUN <<EOF
set -e
# expect: DF106
pip install flask==3.0.3
EOF
