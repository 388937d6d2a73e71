# opslint: ignore[DF101] a rule that is off in this run is not reported as unused
FROM alpine:3.20
