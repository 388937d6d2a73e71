FROM golang:1.23.4 AS build
RUN go build -o /out/app .
# an image pulled by COPY --from or a mount is an image like a base
# expect: IM001@13
COPY --from=gloursdocker/docker / /
# expect: IM001@36
RUN --mount=type=bind,from=busybox:latest,source=/bin,target=/tools /tools/sh -c true
# a stage, by name or index, is no image
COPY --from=build /out/app /app
COPY --from=0 /out/app /app
COPY --from=nginx:1.27.3 /etc/nginx /etc/nginx
