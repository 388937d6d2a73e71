FROM debian:12-slim
# a simulation or a listing installs nothing and asks nothing
RUN if apt-get install -s "postgresql-16-jit" > /dev/null 2>&1; then echo jit; fi
RUN apt-get install --simulate curl
RUN apt-get install --just-print curl
RUN apt-get install --dry-run curl
RUN apt-get install --recon curl
RUN apt-get install --no-act curl
RUN apt-get -qs install curl
RUN apt-get install --print-uris curl
RUN apt-get -o APT::Get::Simulate=true install curl
