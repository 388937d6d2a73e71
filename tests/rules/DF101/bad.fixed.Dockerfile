FROM python:3.12-slim AS build
USER app
FROM build
# expect: DF101@6
USER 10001
