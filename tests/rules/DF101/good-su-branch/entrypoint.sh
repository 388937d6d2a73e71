#!/bin/sh
set -e
if [ "$1" = cassandra ]; then
	chown -R cassandra: /cassandra_data
	su - cassandra -c "cassandra -f"
fi
