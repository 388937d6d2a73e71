FROM node:22-alpine AS base
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:3000/health || exit 1
FROM base
CMD ["node", "server.js"]
