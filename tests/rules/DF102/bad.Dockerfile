FROM node:22-alpine AS build
HEALTHCHECK CMD wget -qO- http://localhost:3000/health || exit 1
# expect: DF102@1
FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
