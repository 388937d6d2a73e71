FROM ubuntu:24.04
# expect: DF122@5
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get update \
# expect: DF122@8
    && apt-get install -y --no-install-recommends python3
# expect: DF122@36
RUN DEBIAN_FRONTEND=noninteractive apt-get -y upgrade --with-new-pkgs
# expect: DF122@10
RUN sudo apt-cache search libssl
# expect: DF122@13
ONBUILD RUN apt-get install python
RUN <<EOF
set -e
# expect: DF122@1
/usr/bin/apt-get install -y --no-install-recommends jq
EOF
