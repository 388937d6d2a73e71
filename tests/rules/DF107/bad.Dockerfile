FROM nginx:1.27-alpine
# expect: DF107@1
ADD site/ /usr/share/nginx/html/
# expect: DF107@1
ADD --chown=101:101 "nginx.conf" /etc/nginx/nginx.conf
# a zip is not unpacked by ADD
# expect: DF107@1
ADD assets.zip /srv/
# expect: DF107@1
ADD ["config/default.conf", "/etc/nginx/conf.d/"]
# expect: DF107@9
ONBUILD ADD . /app
# expect: DF107@1
add --link --chmod=644 robots.txt \
    /usr/share/nginx/html/
