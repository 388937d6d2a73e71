ARG TAG=3.12-slim
ARG UNSET
FROM python:${TAG} AS build
FROM registry.example.com:5000/team/app:1.4.2 AS app
FROM alpine@sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda
FROM ${UNSET}
FROM scratch
COPY --from=build /app /app
FROM build
