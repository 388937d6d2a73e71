#!/bin/sh
su app
exec server
