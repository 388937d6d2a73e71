FROM python:3.12-slim
# expect: DF105@45
RUN pip install --no-cache-dir flask==3.0.3 gunicorn
# expect: DF105@43
RUN python3 -m pip install --no-cache-dir git+https://github.com/org/tool.git#egg=tool
RUN pip install --no-cache-dir \
    requests==2.32.3 \
# expect: DF105@5
    'uvicorn[standard]'
# expect: DF105@26
RUN npm install --global pm2
# expect: DF105@20
RUN npm install -g npm@latest
# expect: DF105@21
RUN yarn global add @angular/cli
# expect: DF105@17
RUN gem install bundler --no-document
# expect: DF105@11-15
RUN gem i rake
# expect: DF105@16
RUN go install golang.org/x/tools/gopls@latest
# expect: DF105@19
RUN cargo install ripgrep
# expect: DF105@40
ONBUILD RUN pip install --no-cache-dir black
RUN <<EOF
set -e
# expect: DF105@14
pipx install poetry
EOF
# OS packages are only judged with the os-packages option
RUN apt-get install -y --no-install-recommends curl
