FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl apt-transport-https
RUN apt-cache policy curl && apt-key list
RUN echo apt install x > /notes.txt
RUN cat <<EOF > /usr/local/bin/setup
apt install -y curl
EOF
ONBUILD RUN apt-get install -y --no-install-recommends python3
RUN if command -v apt >/dev/null; then apt-get update; fi
