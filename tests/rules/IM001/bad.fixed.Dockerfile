# expect: IM001
FROM python:3.12.7-slim-bookworm AS build
# expect: IM001
FROM ubuntu:24.04
# expect: IM001
FROM --platform=linux/amd64 registry.example.com:5000/team/app:2.3.1
FROM build AS final
CMD ["python"]
