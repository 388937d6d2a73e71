FROM debian:12-slim
LABEL maintainer="Jane Doe <jane@example.com>"
LABEL org.opencontainers.image.authors="ops@example.com"
