FROM alpine:3.20
# expect: OP001@1
FORM alpine
RUN echo ok
