FROM ubuntu:24.04
# `apt list` has no apt-get or apt-cache verb of the same meaning: no edit
RUN <<EOF
set -e
# expect: DF122
/usr/bin/apt list --installed
EOF
# expect: DF122
RUN apt full-upgrade -y
