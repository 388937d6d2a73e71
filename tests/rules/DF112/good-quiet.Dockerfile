FROM debian:12-slim
# two quiet flags make quiet level 2, which implies yes
RUN apt-get -q -q install --no-install-recommends curl
RUN apt-get --quiet --quiet install --no-install-recommends git
