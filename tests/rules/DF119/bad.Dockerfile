FROM scratch
# expect: DF119@13
COPY --from=build foo .
FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app
# expect: DF119@13
COPY --from=build /a /b
FROM gcr.io/distroless/static-debian12
# expect: DF119@13
COPY --from=biuld /out/app /app
# expect: DF119@25
COPY --chown=app --from=5 /x /x
# a bare name is more likely a misspelt stage than an image
# expect: DF119@13
COPY --from=busybox /bin/busybox /busybox
