#!/bin/sh
exec su - root -c "server --foreground"
