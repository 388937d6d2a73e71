FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app
FROM debian:12-slim
# expect: DF119@28-33
RUN --mount=type=bind,from=biuld,source=/out,target=/mnt cp /mnt/app /usr/local/bin/
# expect: DF119@59-64
RUN --mount=type=cache,target=/var/cache/apt --mount=from=tools,target=/t \
    /t/install
# expect: DF119@39-40
RUN --mount="type=bind,source=/x,from=2,target=/y" true
