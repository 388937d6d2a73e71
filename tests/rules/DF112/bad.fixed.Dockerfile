FROM debian:12-slim
ENV DEBIAN_FRONTEND=noninteractive
# expect: DF112@31
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get update \
# expect: DF112@19
    && apt-get -q install -y --no-install-recommends \
        git make
# expect: DF112@21
ONBUILD RUN apt-get install -y --no-install-recommends jq
RUN <<EOF
# expect: DF112@5
apt install -y --no-install-recommends ca-certificates
EOF
RUN <<-EOT
	set -e
	# expect: DF112@10
	apt-get install -y --no-install-recommends tini
EOT
