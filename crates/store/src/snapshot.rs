//! A consistent copy of an SQLite database while the hub writes to it (CLI-1's backup of the hub
//! itself): `VACUUM INTO` reads one snapshot in a single read transaction, which in WAL mode
//! neither waits for nor blocks the hub's writers.

use crate::Result;
use std::path::Path;
use std::time::Duration;

/// Write a consistent copy of the SQLite database file `database` to `into` (which must not
/// exist).
pub async fn snapshot_sqlite(database: &Path, into: &Path) -> Result<()> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30))
        .connect()
        .await?;
    sqlx::query("VACUUM INTO $1")
        .bind(into.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// `PRAGMA integrity_check` of an SQLite database file: `ok`, or what is wrong.
pub async fn check_sqlite(database: &Path) -> Result<String> {
    use sqlx::{ConnectOptions, Connection};
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(database)
        .create_if_missing(false)
        .read_only(true)
        .connect()
        .await?;
    let v: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    Ok(v)
}
