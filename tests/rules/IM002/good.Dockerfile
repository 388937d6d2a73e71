ARG BASE_DIGEST
FROM python:3.12.4-slim@sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda AS build
FROM registry.example.com:5000/team/app@sha256:c0669ef34cdc14332c0f1ab0c2c01acb91d96014b172f1a76f3a39e63d1f0bda AS app
FROM node@${BASE_DIGEST}
FROM scratch
COPY --from=build /app /app
FROM build
