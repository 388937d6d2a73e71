FROM ubuntu:24.04
# expect: DF122
RUN apt update && apt-get install -y --no-install-recommends curl
RUN apt-get update \
# expect: DF122
    && apt install -y --no-install-recommends python3
# expect: DF122
RUN DEBIAN_FRONTEND=noninteractive apt -y upgrade
# expect: DF122
RUN sudo apt search libssl
# expect: DF122
ONBUILD RUN apt install python
RUN <<EOF
set -e
# expect: DF122
/usr/bin/apt install -y --no-install-recommends jq
EOF
