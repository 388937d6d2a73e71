FROM buildpack-deps:bookworm
ENV PYTHON_VERSION=3.12.8
RUN set -eux; \
	wget -O python.tar.xz "https://www.python.org/ftp/python/$PYTHON_VERSION/Python-$PYTHON_VERSION.tar.xz"; \
	mkdir -p /usr/src/python; \
	tar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \
	rm python.tar.xz; \
	cd /usr/src/python; \
	./configure --enable-shared; \
	make -j "$(nproc)"; \
	make install; \
	cd /; \
	rm -rf /usr/src/python
CMD ["python3"]
