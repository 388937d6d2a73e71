# expect: IM001@13
FROM python:3.12.7-slim-bookworm AS build
# expect: IM001@6
FROM ubuntu:24.04
# expect: IM001@29
FROM --platform=linux/amd64 registry.example.com:5000/team/app:2.3.1
FROM build AS final
CMD ["python"]
