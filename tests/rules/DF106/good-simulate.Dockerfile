FROM alpine:3.20
# a simulation fetches no index and no package
RUN apk add --simulate curl
RUN apk add -s curl
FROM debian:12-slim
RUN rm -f /etc/apt/apt.conf.d/docker-clean
RUN apt-get install -y --no-install-recommends --simulate curl
