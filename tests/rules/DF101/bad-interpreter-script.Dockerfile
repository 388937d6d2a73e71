# expect: DF101@1
FROM python:3.12-slim
COPY app.py /app/
CMD ["python3", "/app/app.py"]
