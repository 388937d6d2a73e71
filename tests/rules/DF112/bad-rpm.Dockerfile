FROM fedora:40
# expect: DF112@9-16
RUN dnf install --setopt=install_weak_deps=False curl && dnf clean all
# expect: DF112@28-40
RUN yum --disablerepo epel groupinstall "Development Tools"
# expect: DF112@12-14
RUN zypper in git-core
# expect: DF112@26-33
ONBUILD RUN zypper -R /x install make
# expect: DF112@12-24
RUN dnf -q localinstall ./tool.rpm
# yum's -C is --cacheonly, which takes no value
# expect: DF112@12-19
RUN yum -C install httpd
# zypper's -x is --xmlout, which takes no value
# expect: DF112@15-22
RUN zypper -x install git-core
