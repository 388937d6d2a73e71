FROM python:3.12-slim
# `--dry-run=false` installs
# expect: DF105@33
RUN npm install --dry-run=false express
