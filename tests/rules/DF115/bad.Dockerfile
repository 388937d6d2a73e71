FROM debian:12-slim
USER app
# expect: DF115@5
RUN sudo apt-get update
# expect: DF115@23
RUN apt-get update && sudo apt-get install -y --no-install-recommends curl
# expect: DF115@40
RUN env DEBIAN_FRONTEND=noninteractive sudo -E make install
# expect: DF115@13
ONBUILD RUN sudo make install
RUN <<EOF
# expect: DF115@1
/usr/bin/sudo chown app /data
EOF
