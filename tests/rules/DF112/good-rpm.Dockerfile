FROM fedora:40
RUN dnf install -y curl && dnf clean all
RUN dnf --assumeyes install git
RUN dnf -qy install make
RUN dnf install --setopt=assumeyes=True gcc
RUN yum -y groupinstall "Development Tools"
RUN zypper -n install git-core
RUN zypper --non-interactive in make
RUN zypper in --no-confirm tar
RUN dnf install --assumeno jq
RUN yes | yum install patch
RUN dnf upgrade
RUN microdnf install shadow-utils
FROM fedora:40 AS configured
RUN echo "assumeyes=True" >> /etc/dnf/dnf.conf
RUN dnf install unzip
