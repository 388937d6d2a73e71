FROM fedora:40
# expect: DF112@9-16
RUN dnf install -y --setopt=install_weak_deps=False curl && dnf clean all
# expect: DF112@28-40
RUN yum --disablerepo epel groupinstall -y "Development Tools"
# expect: DF112@12-14
RUN zypper in -y git-core
# expect: DF112@26-33
ONBUILD RUN zypper -R /x install -y make
# expect: DF112@12-24
RUN dnf -q localinstall -y ./tool.rpm
# yum's -C is --cacheonly, which takes no value
# expect: DF112@12-19
RUN yum -C install -y httpd
# zypper's -x is --xmlout, which takes no value
# expect: DF112@15-22
RUN zypper -x install -y git-core
