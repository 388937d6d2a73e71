FROM node:22 AS build
RUN npm ci
FROM golang:1.23 AS api
# expect: DF120@47
FROM --platform=$BUILDPLATFORM golang:1.23 AS build
# expect: DF120@17
FROM scratch as API
