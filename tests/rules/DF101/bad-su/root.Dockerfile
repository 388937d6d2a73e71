# `su - root` steps down to nobody
# expect: DF101@1
FROM debian:12-slim
COPY root.sh /usr/local/bin/
ENTRYPOINT ["root.sh"]
