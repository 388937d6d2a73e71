# expect: DF101@1
FROM python:3.12-slim
RUN useradd --system --uid 10001 app
WORKDIR /app
COPY --chown=10001 . .
RUN pip install --no-cache-dir -r requirements.txt
EXPOSE 8000

USER 10001
# start the server
CMD ["gunicorn", "app:app"]
