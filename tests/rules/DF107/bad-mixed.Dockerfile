FROM nginx:1.27-alpine
# a local file next to a URL: split by hand, no edit is offered
# expect: DF107@1
ADD https://example.com/favicon.ico site/index.html /usr/share/nginx/html/
