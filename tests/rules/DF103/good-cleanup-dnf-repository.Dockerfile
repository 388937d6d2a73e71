FROM fedora:40
RUN dnf --enablerepo updates-testing install -y gcc make \
 && make -C /usr/src/tool install \
 && dnf --enablerepo updates-testing remove -y gcc make \
 && dnf clean all
CMD ["tool"]
