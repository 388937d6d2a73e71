# busybox gives the scratch image a shell to run a check with
# expect: DF102@1
FROM scratch
COPY --from=busybox:1.37.0 /bin/busybox /bin/busybox
COPY server /server
USER 10001
ENTRYPOINT ["/server"]
