FROM debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential=12.9 \
 && cd /usr/src/redis \
# expect: DF103@5-9
 && make \
 && make install \
 && rm -rf /usr/src/redis
CMD ["redis-server"]
