FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends sudo
RUN echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app
ONBUILD RUN apt-get install -y --no-install-recommends sudo
RUN cat <<EOF > /usr/local/bin/admin
sudo -i
EOF
