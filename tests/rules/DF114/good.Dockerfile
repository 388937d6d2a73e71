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
