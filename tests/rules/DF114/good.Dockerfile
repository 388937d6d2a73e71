FROM debian:12-slim
WORKDIR /usr/src/app
RUN apt-get update && apt-get install -y --no-install-recommends cd-discid
RUN echo cd /tmp && make -C /tmp
RUN cat <<EOF > /usr/local/bin/build
cd /src && make
EOF
RUN ["make", "-C", "/src"]
RUN cd "$(mktemp -d)" && curl -fsSLO https://example.com/x.tgz
RUN (cd `ls -1d /usr/src/php-*`/ext/pcntl && phpize && ./configure && make install)
RUN tar -xzf node.tgz && cd node-v* && make install
RUN set -eux; \
    tempDir="$(mktemp -d)"; \
    cd "$tempDir"; \
    apt-get download hello; \
    cd /; \
    rm -rf "$tempDir"
RUN set -eux; \
    mkdir -p /usr/src/python; \
    tar -xf python.tar.xz -C /usr/src/python; \
    cd /usr/src/python; \
    ./configure && make -j "$(nproc)" && make install; \
    cd Modules && make test; \
    cd /; \
    rm -rf /usr/src/python
RUN curl -fsSL https://example.com/src.tgz | tar -xz \
    && cd src && ./configure && make install \
    && cd .. && rm -rf src
RUN cd /tmp/build && make && cd - && rm -rf /tmp/*
RUN cd /opt/tool-src && make install && cd / && rm --recursive --force /opt/tool-src
