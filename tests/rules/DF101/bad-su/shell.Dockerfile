# `su app` without -c only opens a shell
# expect: DF101@1
FROM debian:12-slim
COPY shell.sh /usr/local/bin/
ENTRYPOINT ["shell.sh"]
