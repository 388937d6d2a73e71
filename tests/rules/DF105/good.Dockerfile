FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 'alabaster>=0.7' 'attrs~=23.2'
RUN pip install --no-cache-dir --requirement requirements.txt
RUN pip install --no-cache-dir -r requirements.txt --upgrade
RUN pip install --no-cache-dir pykafka --constraint constraints.txt
RUN pip install --no-cache-dir . ./dist/app-1.0-py3-none-any.whl vendor/lib
RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple tool==1.2.0
RUN pip install --no-cache-dir git+https://github.com/org/tool.git@v1.2.0#egg=tool
RUN pip install --no-cache-dir "$PACKAGE"
RUN npm ci --omit=dev
RUN npm install --progress=false
RUN npm install --global pm2@5.4.2 @angular/cli@18.2.1 ./local-folder pkg-1.2.3.tgz
RUN npm install git+https://github.com/npm/cli.git#v10.8.0
RUN npm run build -- install
RUN yarn add react@18.3.1
RUN gem install bundler:2.5.16 && gem install rake -v 13.2.1
RUN gem i rake:13.2.1
RUN go install golang.org/x/tools/gopls@v0.16.1 && go install ./cmd/server
RUN cargo install ripgrep@14.1.0 && cargo install --path . && cargo install --git https://github.com/x/y --rev 1a2b3c4
ONBUILD RUN pip install --no-cache-dir black==24.8.0
RUN apt-get install -y --no-install-recommends curl && apk add jq
