-- Run once by the postgres image on an empty data directory (init-roles.sh passes the variables).
-- The desk and Temporal each get a role of their own with the least they need: the desk owns
-- its database (enough to migrate it, pg_trgm being a trusted extension) and is no superuser;
-- Temporal's role may create its two databases. The superuser is for administrators only.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'desk_user', :'desk_password')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'desk_database', :'desk_user')
\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'desk_database')
\gexec

SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER CREATEDB NOCREATEROLE PASSWORD %L', :'temporal_user', :'temporal_password')
\gexec
