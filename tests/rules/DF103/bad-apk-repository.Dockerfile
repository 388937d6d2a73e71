FROM alpine:3.20
# the toolchain comes from the repository -X names, and stays in the image
RUN apk -X https://dl-cdn.alpinelinux.org/alpine/edge/community add --no-cache build-base \
 && cd /usr/src/tool \
# expect: DF103@5-9
 && make \
 && make install \
 && rm -rf /usr/src/tool
CMD ["tool"]
