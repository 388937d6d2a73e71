FROM node:22-slim AS base
USER node

FROM base
# expect: DF101@6
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["node"]
CMD ["server.js"]
