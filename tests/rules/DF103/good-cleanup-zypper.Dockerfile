FROM opensuse/leap:15.6
RUN zypper -n install gcc make \
    && make -C /usr/src/tool install \
    && zypper -n rm gcc make \
    && zypper clean -a
CMD ["tool"]
