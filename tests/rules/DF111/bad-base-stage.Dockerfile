FROM debian:12.8-slim AS base
# expect: DF111@31-38
RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*
FROM base
USER nobody
