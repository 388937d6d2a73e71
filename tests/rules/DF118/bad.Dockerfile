FROM debian:12-slim AS distro1
CMD bash
RUN make
# expect: DF118@1
CMD ["another"]
ENTRYPOINT ["/entrypoint.sh"]
# expect: DF118@1
ENTRYPOINT ["/docker-entrypoint.sh"]
# expect: DF118@1
CMD ["third"]
FROM debian:12-slim AS distro2
CMD ["only-one-here"]
HEALTHCHECK CMD ["/bin/check"]
# expect: DF118@1-12
HEALTHCHECK NONE
