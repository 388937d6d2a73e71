FROM golang:1.23.4 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/server .

# a static binary alone: no program to run a check with
FROM scratch AS runtime
COPY --from=build /out/server /server
USER 10001

FROM runtime
ENTRYPOINT ["/server"]
