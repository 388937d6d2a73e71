FROM debian:12.8-slim AS build
RUN apt-get update && apt-get install -y build-essential=12.9 && make
FROM scratch
COPY --from=build /src/app /app
ENTRYPOINT ["/app"]
