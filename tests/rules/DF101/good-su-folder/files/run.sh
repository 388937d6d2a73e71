#!/bin/bash
set -e
chown -R cassandra: /cassandra_data
su cassandra -c "$CASSANDRA_HOME/bin/cassandra -f"
