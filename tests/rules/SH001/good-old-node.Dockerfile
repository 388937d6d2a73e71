# the npm of Node before 10 has no `npm ci` (nor, before npm 5, a lockfile)
FROM node:0.10
ONBUILD RUN (cd programs/server && npm install)

FROM node:8.9-alpine AS build
RUN npm install

FROM build
RUN npm install --production

FROM docker.io/library/node:carbon
RUN npm install
