FROM node:22-slim
ENTRYPOINT ["node", "server.js"]
CMD [ "--port", "8080" ]
CMD [ "/bin/sh", "-c", \
      "echo foo && \
       echo bar" \
    ]
CMD exec java $JAVA_OPTS -jar /app/app.jar
HEALTHCHECK CMD wget -qO- http://localhost:8080/ || exit 1
ONBUILD CMD ["python", "app.py"]
