FROM debian:12-slim
# a cache only for the archives leaves the lists in the layer
RUN --mount=type=cache,target=/var/cache/apt \
    rm -f /etc/apt/apt.conf.d/docker-clean \
# expect: DF106@16
    && apt-get update && apt-get install -y --no-install-recommends make \
    && apt-get clean
RUN rm -f /etc/apt/apt.conf.d/docker-clean
# the lists are in a cache, but the .deb archives stay once docker-clean is gone
# expect: DF106@70
RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends gcc
# a pipe after the last apt command: the removal cannot be chained safely
# expect: DF106@13, DF106@31
RUN apt-get update && apt-get install -y --no-install-recommends make | tee /tmp/apt.log
# nothing in this RUN uses the lists, so a later RUN may need them: no edit
# expect: DF106@13
RUN apt-get update
