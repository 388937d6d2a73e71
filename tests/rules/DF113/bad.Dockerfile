FROM node:22-slim
# expect: DF113
WORKDIR app
# expect: DF113
WORKDIR "relative/dir"
# expect: DF113
WORKDIR ~/cache
WORKDIR /srv
# a relative WORKDIR after an absolute one is still reported
# expect: DF113
WORKDIR frontend
# expect: DF113
ONBUILD WORKDIR src
