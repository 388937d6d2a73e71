FROM golang:1.23.4 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server .

# a static Linux binary in scratch still runs as uid 0
# expect: DF101@1
FROM scratch
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
