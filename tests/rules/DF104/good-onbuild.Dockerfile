# triggers copy the context of the build that uses this image as its base
FROM golang:1.23
WORKDIR /src
ONBUILD COPY . .
ONBUILD RUN go mod download && go build -o /out/app ./cmd/app
