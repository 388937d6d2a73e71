FROM debian:12-slim AS base
RUN wget -O - https://example.com && wc -l file > /number
RUN set -o pipefail && curl -fsSL https://example.com/a | tar -xz
RUN set -euxo pipefail; curl -fsSL https://example.com/b | tar -xz
RUN test -f /x || echo missing
RUN grep -E 'a|b' /etc/hosts && echo "x | y"
RUN echo "deb http://deb.debian.org/debian bookworm main" | tee /etc/apt/sources.list
RUN yes | apt-get install -y --no-install-recommends tzdata
RUN printf '%s\n' a b | sort
RUN dpkgArch="$(dpkg --print-architecture | awk -F- '{ print $NF }')" && echo "$dpkgArch"
RUN echo "$(uname -m | sed 's/x86_64/amd64/')" "$(nproc --all | tr -d ' ')" "$(arch | tr a-z A-Z)"
RUN make -j"$(nproc | awk '{ print $1 + 1 }')" && { uname -s; uname -r; } | tr '\n' ' '
RUN locale -a | grep 'en_US.utf8'
RUN case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; esac
RUN ["sh", "-c", "curl -fsSL https://example.com | tar -xz"]
RUN cat <<EOF > /etc/app.conf
format = a | b
EOF
RUN python3 <<EOF
print(1 | 2)
EOF
RUN <<EOF
#!/usr/bin/env python3
print(1 | 2)
EOF
RUN <<EOF
set -o pipefail
curl -fsSL https://example.com | tar -xz
EOF

FROM debian:12-slim AS piped
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN curl -fsSL https://example.com/a | tar -xz
ONBUILD RUN curl -fsSL https://example.com/b | tar -xz

# a stage built on another inherits its SHELL
FROM piped AS child
RUN curl -fsSL https://example.com/c | tar -xz

FROM alpine:3.20 AS apk
RUN arch="$(apk --print-arch | sed 's/x86_64/amd64/')" && echo "$arch"

FROM rockylinux:9 AS rpm
RUN dist="$(rpm --eval '%{?dist}' | tr -d .)" && echo "$dist"
RUN rpm -E %rhel | grep -q 9

FROM alpine:3.20 AS ash
SHELL ["/bin/ash", "-o", "pipefail", "-c"]
RUN wget -qO- https://example.com | tar -xz

FROM mcr.microsoft.com/powershell:lts-ubuntu-22.04 AS pwsh
SHELL ["pwsh", "-Command"]
RUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value

FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS windows
RUN type C:\a.txt | findstr x

FROM debian:12-slim AS grouped
RUN { \
        echo percona-server-server-5.6 percona-server-server/data-dir select ''; \
        echo percona-server-server-5.6 percona-server-server/root_password password ''; \
    } | debconf-set-selections
RUN (echo a; printf 'b\n') | sort
