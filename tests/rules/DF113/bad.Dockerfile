FROM node:22-slim
# expect: DF113@9
WORKDIR app
# expect: DF113@9
WORKDIR "relative/dir"
# expect: DF113@9
WORKDIR ~/cache
WORKDIR /srv
# a relative WORKDIR after an absolute one is still reported
# expect: DF113@9
WORKDIR frontend
# expect: DF113@17
ONBUILD WORKDIR src
