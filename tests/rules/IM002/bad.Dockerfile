ARG PY=3.12-slim
# expect: IM002@13
FROM python:3.12.4-slim AS build
# expect: IM002@6
FROM python:${PY} AS test
# expect: IM002@29
FROM --platform=linux/amd64 registry.example.com:5000/team/app
FROM build AS final
CMD ["python"]
