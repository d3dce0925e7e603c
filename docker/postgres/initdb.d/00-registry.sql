-- Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
-- the database of the Apicurio Registry's SQL storage, beside livedrop's own.
CREATE DATABASE apicurio OWNER livedrop;
