ARG BUILDER=build
FROM golang:1.23 AS Build
RUN go build -o /out/app ./cmd/app
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
COPY --from=0 /out/app /app2
COPY --from=busybox:1.36 /bin/busybox /busybox
COPY --from=docker.io/library/nginx /etc/nginx /etc/nginx
COPY --from=alpine@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d /etc/ssl /etc/ssl
COPY --from=${BUILDER} /out/app /app3
ONBUILD COPY --from=assets /dist /srv
