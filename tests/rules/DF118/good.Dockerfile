FROM debian:12-slim AS distro1
ENTRYPOINT ["/entrypoint.sh"]
CMD ["bash"]
ONBUILD CMD ["child-default"]
FROM debian:12-slim AS distro2
ENTRYPOINT ["/entrypoint.sh"]
CMD ["another"]
HEALTHCHECK CMD ["/bin/check"]
ONBUILD HEALTHCHECK NONE
FROM distro2
HEALTHCHECK --interval=1m CMD ["/bin/check"]
