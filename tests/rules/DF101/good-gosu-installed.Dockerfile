# its entrypoint script is not beside it: gosu's one use is stepping down in the ENTRYPOINT
FROM alpine:3.20
RUN apk add --no-cache su-exec postgresql16
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
