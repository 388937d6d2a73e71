# the server runs as root after a side step as app
# expect: DF101@1
FROM debian:12-slim
COPY side.sh /usr/local/bin/
ENTRYPOINT ["side.sh"]
