FROM debian:12-slim
# expect: DF111@31
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
# expect: DF111@20
    && apt-get -qq install \
        git make
# expect: DF111@21
ONBUILD RUN apt-get install -y jq
RUN <<EOF
# expect: DF111@5
apt install -y ca-certificates
EOF
