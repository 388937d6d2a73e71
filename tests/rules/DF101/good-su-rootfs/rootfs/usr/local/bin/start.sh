#!/bin/sh
set -e
mkdir -p /run/app && chown app /run/app
exec su -s /bin/sh app -c 'exec nginx -g "daemon off;"'
