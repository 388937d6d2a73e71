FROM debian:12-slim
ADD rootfs.tar.gz /
ADD vendor.tar /opt/vendor/
ADD data.xz /data/
ADD https://example.com/tool.tar.gz /tmp/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool /usr/local/bin/tool
ADD git@github.com:moby/buildkit.git#v0.14.1 /src/buildkit
ADD https://github.com/moby/buildkit.git#v0.14.1 /src/buildkit
ADD $ARTIFACT_URL /opt/
COPY site/ /usr/share/nginx/html/
ONBUILD ADD app.tgz /app/
ADD vendor.tb2 /opt/vendor/
