FROM debian:12-slim AS base
# expect: DF106@13
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
# the removal goes after the last apt command, so later ones still find the lists
# expect: DF106@13
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*; make install
# expect: DF106@9
RUN apk add --no-cache curl
RUN apk update \
# expect: DF106@12
    && apk add --no-cache \
        jq
# expect: DF106@21
RUN sudo apt-get -q update && \
    apt-get install -y --no-install-recommends \
        ca-certificates && \
    apt-get clean && rm -rf /var/lib/apt/lists/*
# expect: DF106@9
RUN pip install --no-cache-dir --requirement requirements.txt
# expect: DF106@20
RUN python3 -m pip install --no-cache-dir --upgrade pip==24.2
# expect: DF106@17
ONBUILD RUN apt update && apt install -y python3 && rm -rf /var/lib/apt/lists/*

FROM base
RUN <<EOF
set -e
# expect: DF106@5
pip install --no-cache-dir flask==3.0.3
EOF
RUN <<-EOT
	set -e
	# expect: DF106@10
	apt-get update
	apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
EOT
# distclean before the update leaves the new lists behind
# expect: DF106@35
RUN apt-get dist-clean && apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
