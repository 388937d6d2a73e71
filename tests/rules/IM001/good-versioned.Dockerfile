# a version, or a distribution release by its code name
FROM node:22-alpine AS web
FROM debian:bookworm-slim AS base
FROM ubuntu:noble AS noble
FROM buildpack-deps:trixie AS deps
FROM python:3.12-slim AS app
FROM nginx:stable@sha256:0000000000000000000000000000000000000000000000000000000000000000
