FROM node:22-slim AS server
# expect: DF110@12
ENTRYPOINT node server.js

FROM node:22-slim AS dev
# expect: DF110@5
CMD npm start -- \
    --port 8080

FROM python:3.12-slim AS base
# expect: DF110@13
ONBUILD CMD python app.py
