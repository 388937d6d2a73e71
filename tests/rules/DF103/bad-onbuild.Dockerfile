FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
ONBUILD COPY . .
# expect: DF103@13
ONBUILD RUN mvn -B package -DskipTests
