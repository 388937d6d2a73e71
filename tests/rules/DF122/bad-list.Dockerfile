FROM ubuntu:24.04
# `apt list` has no apt-get or apt-cache verb of the same meaning: no edit
RUN <<EOF
set -e
# expect: DF122@1
/usr/bin/apt list --installed
EOF
# expect: DF122@5
RUN apt full-upgrade -y
