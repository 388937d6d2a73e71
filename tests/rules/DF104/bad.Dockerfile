FROM node:22-slim AS web
WORKDIR /app
# expect: DF104@6
COPY . .
RUN npm ci --omit=dev
RUN npm run build

FROM python:3.12-slim AS api
WORKDIR /srv
COPY requirements.txt ./
# expect: DF104@22
COPY --chown=app:app ./ /srv/
RUN pip install --no-cache-dir -r requirements.txt

FROM golang:1.23 AS triggers
WORKDIR /src
ONBUILD COPY . .
# a trigger runs in another build: this stage's own steps are still judged
# expect: DF104@6
COPY . .
ONBUILD RUN go mod download
RUN go mod download && go build -o /out/app ./cmd/app
