FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get install --yes --no-install-recommends git
RUN apt-get -qy install --no-install-recommends make
RUN apt-get -yqq install --no-install-recommends gcc
RUN apt-get -qq install --no-install-recommends patch
RUN apt-get install --assume-yes --no-install-recommends jq
RUN apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends unzip
RUN yes | apt-get install --no-install-recommends zip
RUN apt-get upgrade --no-install-recommends
ONBUILD RUN apt-get install -y --no-install-recommends jq
FROM debian:12-slim AS configured
RUN echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes
RUN apt-get install --no-install-recommends curl
