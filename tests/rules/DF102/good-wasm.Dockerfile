FROM --platform=$BUILDPLATFORM rust:1.83.0 AS build
WORKDIR /src
COPY . .
RUN cargo build --target wasm32-wasip1 --release

# a WebAssembly module runs under a wasm runtime, which runs no check command
FROM --platform=wasi/wasm alpine:3.20
COPY --from=build /src/target/wasm32-wasip1/release/service.wasm /service.wasm
ENTRYPOINT ["/service.wasm"]
