FROM debian:12-slim
# expect: DF123@5
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
# expect: DF123@5
RUN apt-get -qq update && rm -rf /tmp/x
RUN echo "deb http://example.com stable main" > /etc/apt/sources.list.d/x.list \
# expect: DF123@8
    && apt update
# expect: DF123@13
ONBUILD RUN apt-get update
# an install of another ecosystem does not use the apt lists
# expect: DF123@5
RUN apt-get update && pip3 download requests
FROM alpine:3.20
# expect: DF123@5-15
RUN apk update
RUN apk add curl
# an apt install does not read the apk indexes
# expect: DF123@5-26
RUN apk --no-cache update && apt-get install -y --no-install-recommends jq
