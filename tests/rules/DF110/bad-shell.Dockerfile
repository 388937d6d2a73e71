FROM node:22-slim
# single quotes are not JSON, so this is shell form, and quotes need the shell
# expect: DF110@5
CMD ['node', 'server.js']

FROM node:22-slim
# the variable needs the shell
# expect: DF110@5
CMD node server.js --port $PORT

FROM node:22-slim
# expect: DF110@5
CMD cd /app && node server.js

FROM node:22-slim
# in exec form the ENTRYPOINT would receive the CMD
# expect: DF110@12
ENTRYPOINT node
CMD ["server.js"]
