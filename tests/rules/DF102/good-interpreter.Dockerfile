# a base image that only starts a shell: nothing in it serves, so nothing to probe
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
CMD bash
