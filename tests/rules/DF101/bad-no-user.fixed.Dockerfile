FROM golang:1.23 AS build
USER 1000
# expect: DF101@1
FROM debian:12-slim
COPY --from=build /out /app
USER 10001
