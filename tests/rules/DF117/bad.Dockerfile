FROM debian:12-slim AS base
# expect: DF117@48
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
# expect: DF117@50
    && curl -fsSL https://example.com/install.sh | sh
# a pipe inside a command substitution counts
# expect: DF117@53
RUN VERSION=$(curl -fsSL https://example.com/latest | jq -r .tag) && echo "$VERSION"
# and so does one inside double quotes
# expect: DF117@57
RUN MULTIARCH="$(dpkg-architecture -qDEB_HOST_MULTIARCH | cut -d- -f1)" && echo "$MULTIARCH"
# package queries fail on a missing package
# expect: DF117@30
RUN VERSION="$(dpkg -s libc6 | awk '/^Version/ { print $2 }')" && echo "$VERSION"
# a query beside a command that can fail in a group
# expect: DF117@37
RUN { uname -m; cat /etc/missing; } | tee /tmp/facts
# `set -o pipefail` after the pipe is too late
# expect: DF117@37
RUN wget -qO- https://example.com/x | wc -l > /n; set -o pipefail
# expect: DF117@49
ONBUILD RUN curl -fsSL https://example.com/x.sh | bash
RUN <<EOF
set -e
# expect: DF117@37
curl -fsSL https://example.com/keys | gpg --dearmor -o /usr/share/keyrings/x.gpg
EOF
# a group counts when one of its commands can fail
RUN { \
        echo header; \
        cat /etc/missing.list; \
# expect: DF117@7
    } | sort -u > /tmp/all.list

FROM debian:12-slim AS other
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/a | tar -xz
# a later SHELL without pipefail turns it off again
SHELL ["/bin/bash", "-c"]
# expect: DF117@38
RUN curl -fsSL https://example.com/b | tar -xz
