FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apt-get -o APT::Install-Recommends=false install -y git
RUN apt-get install -y -oAPT::Install-Recommends=0 make
RUN apt-get remove -y curl
ONBUILD RUN apt-get install -y --no-install-recommends jq
FROM debian:12-slim AS configured
RUN printf 'APT::Install-Recommends "0";\nAPT::Install-Suggests "0";\n' > /etc/apt/apt.conf.d/01norecommends
RUN apt-get install -y curl
