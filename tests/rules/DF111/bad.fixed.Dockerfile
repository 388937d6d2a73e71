FROM debian:12-slim
# expect: DF111@31
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
# expect: DF111@20
    && apt-get -qq install --no-install-recommends \
        git make
# expect: DF111@21
ONBUILD RUN apt-get install -y --no-install-recommends jq
RUN <<EOF
# expect: DF111@5
apt install -y --no-install-recommends ca-certificates
EOF
