FROM node:22-slim
# expect: DF110
ENTRYPOINT node server.js
# expect: DF110
CMD npm start -- \
    --port 8080
# single quotes are not JSON, so this is shell form
# expect: DF110
CMD ['node', 'server.js']
# expect: DF110
ONBUILD CMD python app.py
