FROM python:3.12-slim AS base
USER 10001:10001
FROM base
CMD ["python", "app.py"]
