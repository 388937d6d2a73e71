#!/bin/sh
set -e
gosu postgres initdb -D "$PGDATA"
exec "$@"
