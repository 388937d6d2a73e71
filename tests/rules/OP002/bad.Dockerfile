# expect: OP002@1
# opslint: ignore[DF999] misspelt
FROM alpine:3.20
# expect: OP002@1
# opslint: ignore[OP001] nothing to suppress here
RUN echo ok
