# expect: DF116@1
MAINTAINER Jane Doe <jane@example.com>
FROM debian:12-slim
# expect: DF116@1
maintainer ops@example.com
# expect: DF116@1
MAINTAINER "Ops Team" <ops$team@example.com>
