FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app
FROM debian:12-slim
RUN --mount=type=bind,from=Build,source=/out,target=/mnt cp /mnt/app /usr/local/bin/
RUN --mount=type=bind,from=0,target=/b true
RUN --mount=type=bind,from=ghcr.io/org/tools:1.2,target=/t /t/install
RUN --mount=type=bind,from=${TOOLS},target=/t /t/install
RUN --mount=type=cache,target=/root/.cache echo "--mount=from=nothing"
ONBUILD RUN --mount=type=bind,from=assets,target=/a cp -r /a /srv
