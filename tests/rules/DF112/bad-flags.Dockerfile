FROM debian:12-slim
# download-only still asks before it downloads
# expect: DF112@13
RUN apt-get install -d --no-install-recommends curl
# the `s` of a release name is the value of -t, not --simulate
# expect: DF112@22
RUN apt-get -tstable install --no-install-recommends curl
