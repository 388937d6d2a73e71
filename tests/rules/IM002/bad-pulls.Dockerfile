FROM golang:1.23.4@sha256:70031844b8c225351d0bb63e2c383f80db85d92ba894e3da7e13bcf80efa9a37 AS build
# expect: IM002@19
COPY --from=nginx:1.27.3 /etc/nginx /etc/nginx
# expect: IM002@36
RUN --mount=type=bind,from=busybox:1.37.0,source=/bin,target=/tools /tools/sh -c true
COPY --from=build /out/app /app
COPY --from=alpine:3.20.3@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a /etc/os-release /
