# expect: IM001@13
FROM python:latest AS build
# expect: IM001@6
FROM ubuntu
# expect: IM001@29
FROM --platform=linux/amd64 registry.example.com:5000/team/app
FROM build AS final
CMD ["python"]
