FROM node:10.24.1-alpine AS build
# expect: SH001@9
RUN npm install

FROM build AS test
# expect: SH001@9
RUN npm install

# not the official node image: its npm is not known to be old
FROM ghcr.io/example/node:8
# expect: SH001@9
RUN npm install
