FROM python:3.12-slim
# a dry run installs nothing, so it pins nothing
RUN pip install --dry-run flask
RUN python -m pip install --dry-run --report report.json flask
RUN npm install --dry-run express
RUN gem install --explain rails
RUN npm install --package-lock-only express
