FROM nginx:1.27-alpine
# expect: DF107@1
COPY site/ /usr/share/nginx/html/
# expect: DF107@1
COPY --chown=101:101 "nginx.conf" /etc/nginx/nginx.conf
# a zip is not unpacked by ADD
# expect: DF107@1
COPY assets.zip /srv/
# expect: DF107@1
COPY ["config/default.conf", "/etc/nginx/conf.d/"]
# expect: DF107@9
ONBUILD COPY . /app
# expect: DF107@1
copy --link --chmod=644 robots.txt \
    /usr/share/nginx/html/
