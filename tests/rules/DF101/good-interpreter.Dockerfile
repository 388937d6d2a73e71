# a base image that only starts the interpreter: images built on it choose their user
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
CMD ["python3"]
