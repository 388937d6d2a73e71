FROM scratch as build
RUN foo
FROM node:22 as run
RUN baz
FROM run
FROM run
