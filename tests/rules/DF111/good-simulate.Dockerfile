FROM debian:12-slim
# a simulation installs nothing, recommended or not
RUN apt-get install -y -s curl
RUN apt-get install --dry-run curl
RUN apt-get install --print-uris curl
