FROM debian:12-slim
# expect: DF114@5
RUN cd /tmp && curl -fsSLO https://example.com/x.tgz
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
# expect: DF114@8
    && cd /usr/src/app && make
# expect: DF114@22
RUN for d in a b; do cd "$d"; done
# expect: DF114@13
ONBUILD RUN cd /app && make
RUN <<EOF
set -e
# expect: DF114@1
cd /opt
make
EOF
# expect: DF114@30
RUN mkdir -p /usr/src/app && cd /usr/src/app && make
RUN tmp="$(mktemp -d)" && cd "$tmp" && make \
# expect: DF114@8
    && cd /srv/app && make install
# expect: DF114@5
RUN cd /usr/src/tool && make install \
    && cd / && rm -rf /usr/src/other
