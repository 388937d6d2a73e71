#!/bin/sh
su app -c "server --migrate"
exec server --foreground
