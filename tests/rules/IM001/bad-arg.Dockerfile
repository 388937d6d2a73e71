ARG VERSION=latest
# written with a variable: the ARG decides, no edit
# expect: IM001@6
FROM node:${VERSION} AS build
# no pin is configured for debian
# expect: IM001@6
FROM debian
COPY --from=build /app /app
