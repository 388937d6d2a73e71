# tags that name no version move like `latest`
# expect: IM001@11
FROM node:lts AS web
# expect: IM001@13
FROM docker:cli AS tools
# expect: IM001@12
FROM nginx:stable AS proxy
# expect: IM001@13
FROM python:slim AS app
# expect: IM001@13
FROM alpine:edge AS edge
# expect: IM001@11
FROM node:lts-bookworm-slim AS lts
# expect: IM001@13
FROM debian:stable-slim AS channel
# expect: IM001@11
FROM rust:bookworm AS toolchain
