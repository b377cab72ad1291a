"""What every benchmark shares: a fresh PostgreSQL database of its own.

from benchmarks.database import database_recreate
"""


def database_recreate(url: str) -> None:
    """Drop (disconnecting its sessions) and create the database named by `url`.

    The connection goes to the server's `postgres` database, so the benchmark's own database
    may be in use by a previous run that was interrupted.
    """
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
