# expect: DF116@1
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
FROM debian:12-slim
# expect: DF116@1
label org.opencontainers.image.authors="ops@example.com"
# expect: DF116@1
LABEL org.opencontainers.image.authors="\"Ops Team\" <ops\$team@example.com>"
