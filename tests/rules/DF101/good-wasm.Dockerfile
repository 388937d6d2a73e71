FROM --platform=$BUILDPLATFORM rust:1.83.0 AS build
WORKDIR /src
COPY . .
RUN cargo build --target wasm32-wasip1 --release
USER 10001

# a WebAssembly module has no user to run as
FROM scratch
ENTRYPOINT [ "service.wasm" ]
COPY --link --from=build /src/target/wasm32-wasip1/release/service.wasm /service.wasm
