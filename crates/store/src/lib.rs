//! Database access for Patchbay. One code path over SQLite (embedded default) and PostgreSQL
//! (scale-out) through sqlx's `Any` driver, portable SQL and `$n` placeholders (both engines read
//! them). Every multi-row change runs in one transaction together with its audit record.

pub mod accounts;
pub mod alarms;
pub mod audit;
pub mod backups;
pub mod blobs;
pub mod calling;
pub mod certificates;
pub mod crypto;
pub mod customers;
pub mod customization;
pub mod enrolment;
mod error;
pub mod health;
pub mod jobs;
pub mod list;
pub mod lockout;
pub mod logs;
mod migrate;
pub mod nodes;
pub mod notify;
pub mod outbox;
pub mod phonefiles;

pub mod providers;
pub mod registrar;
pub mod remote;
pub mod repository;
mod scope;
pub mod sessions;
pub mod settings;
pub mod snapshot;
mod sql;
pub mod stats;
pub mod system_certificates;
pub mod systems;
pub mod transfers;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::time::Duration;

pub use accounts::{Account, AccountFilter, AccountSort, NewAccount};
pub use audit::{AuditEvent, AuditMeta};
pub use list::Page;
pub use sql::{PageRequest, SortOrder};

/// Which engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

pub(crate) use error::unique_as;
pub use error::{sqlstate, DbError, InUse, Missing, Refusal, Result, StoreError, Taken};

/// A write transaction of the store. On SQLite it holds the store's write turn until it ends
/// (committed, rolled back or dropped), so writers take the database's one write lock in order
/// instead of polling for it.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    pub async fn rollback(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

/// The shared handle to the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// PostgreSQL: a few connections kept for agents being admitted (their credentials and their
    /// connection's row), so a node whose pool is busy with jobs or uploads still lets its fleet
    /// in. SQLite: none (one writer; reads never wait for a connection long).
    admissions: Option<AnyPool>,
    dialect: Dialect,
    /// Where [`notify::JobListener`] connects (PostgreSQL only).
    url: notify::Url,
    /// SQLite has one writer at a time, and a writer waiting for the lock polls for it: a busy
    /// writer that commits and begins again at once would starve the others. Transactions of
    /// this store and its siblings take their turn here first, in order.
    write_turn: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Connect to `url` (`sqlite://path` or `postgres://…`), creating the SQLite file when missing.
    /// Does not migrate; call [`Store::migrate`].
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_sized(url, PG_CONNECTIONS).await
    }

    /// [`Store::connect`] with at most `pg_connections` connections open on PostgreSQL (the nodes
    /// together must stay within the server's `max_connections`); SQLite keeps its own sizes.
    pub async fn connect_sized(url: &str, pg_connections: u32) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let pool = match dialect {
            Dialect::Sqlite => {
                let url = if url.contains('?') || url.contains(":memory:") {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                let memory = url.contains(":memory:");
                AnyPoolOptions::new()
                    // An in-memory database lives in one connection.
                    .max_connections(if memory { 1 } else { 8 })
                    .min_connections(if memory { 1 } else { 0 })
                    .idle_timeout(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(600))
                    })
                    .max_lifetime(if memory {
                        None
                    } else {
                        Some(Duration::from_secs(3600))
                    })
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            for pragma in [
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = NORMAL",
                                "PRAGMA busy_timeout = 10000",
                                // Pages read through a memory map rather than a read call
                                // each, and a larger page cache per connection: the alarm
                                // writer touches thousands of index pages per batch.
                                "PRAGMA mmap_size = 268435456",
                                "PRAGMA cache_size = -16384",
                            ] {
                                sqlx::Executor::execute(&mut *conn, pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Dialect::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(pg_connections.max(1))
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Parallel workers only for plans that are big anyway (aggregates over
                            // the whole alarm table): starting them costs 10–20 ms, which used to
                            // be most of an Operator's small scoped queries (TEN-4 at 100,000
                            // customers: 18 ms with workers, 1.2 ms without).
                            sqlx::Executor::execute(&mut *conn, "SET parallel_setup_cost = 10000")
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
        };
        let admissions = match dialect {
            Dialect::Postgres => Some(
                AnyPoolOptions::new()
                    .max_connections(ADMISSION_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy(url)?,
            ),
            Dialect::Sqlite => None,
        };
        Ok(Self {
            pool,
            admissions,
            dialect,
            url: notify::Url(url.into()),
            write_turn: Default::default(),
        })
    }

    /// Another handle on the same database with connections of its own (for a task that runs on
    /// a runtime of its own), taking its SQLite write turns in the same line as this one.
    pub async fn sibling(&self) -> Result<Self> {
        // A sibling runs one task (a writer): a few connections are plenty.
        let other = Self::connect_sized(&self.url.0, SIBLING_CONNECTIONS).await?;
        Ok(Self {
            write_turn: self.write_turn.clone(),
            // A sibling admits no agents.
            admissions: None,
            ..other
        })
    }

    /// An SQLite database in memory (it lives in one connection: no sibling can share it).
    pub fn in_memory(&self) -> bool {
        self.url.0.contains(":memory:")
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Bring the schema up to date (idempotent; safe to run from several nodes at once).
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        migrate::run(self).await
    }

    /// Start a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue on the busy timeout instead of failing on lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self.dialect {
            Dialect::Sqlite => {
                // In line; the turn is held until the transaction ends, so the next writer in
                // line finds the lock free.
                let turn = self.write_turn.clone().lock_owned().await;
                Tx {
                    inner: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                }
            }
            Dialect::Postgres => Tx {
                inner: self.pool.begin().await?,
                _turn: None,
            },
        })
    }

    /// Serialise the transactions that change what `key` names, until `tx` ends: a PostgreSQL
    /// advisory lock (two writers replacing the same file would otherwise both see it absent and
    /// collide on its unique index); SQLite's `BEGIN IMMEDIATE` already serialises every writer.
    pub(crate) async fn serialize_on(&self, tx: &mut crate::Tx, key: &str) -> Result<()> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)) IS NULL AS locked")
                .bind(key)
                .fetch_one(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// ` FOR UPDATE` on PostgreSQL (lock the rows a transaction reads before it writes them);
    /// nothing on SQLite, whose `BEGIN IMMEDIATE` already holds the only write lock.
    pub(crate) fn lock_clause(&self) -> &'static str {
        match self.dialect {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        }
    }

    /// `FOR UPDATE OF <alias>` on PostgreSQL (a join locking one of its tables), nothing on
    /// SQLite.
    pub(crate) fn lock_of(&self, alias: &str) -> String {
        match self.dialect {
            Dialect::Postgres => format!(" FOR UPDATE OF {alias}"),
            Dialect::Sqlite => String::new(),
        }
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The connections kept for admitting agents (see [`Store::agent_admission`]); the main pool
    /// where there are none.
    pub(crate) fn admission_pool(&self) -> &AnyPool {
        self.admissions.as_ref().unwrap_or(&self.pool)
    }

    /// [`Store::begin`] on [`Store::admission_pool`].
    pub(crate) async fn begin_admission(&self) -> Result<Tx> {
        match &self.admissions {
            Some(pool) => Ok(Tx {
                inner: pool.begin().await?,
                _turn: None,
            }),
            None => self.begin().await,
        }
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Run an administrative statement that takes no parameters (CREATE/DROP DATABASE for test
    /// fixtures and tooling).
    pub async fn exec_admin(&self, sql: &str) -> Result<()> {
        sqlx::query(sql).execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Some(admissions) = &self.admissions {
            admissions.close().await;
        }
        self.pool.close().await;
    }
}

/// Default most PostgreSQL connections of a node's pool.
pub const PG_CONNECTIONS: u32 = 16;
/// PostgreSQL connections kept for admitting agents, besides a node's pool.
const ADMISSION_CONNECTIONS: u32 = 2;
/// Most PostgreSQL connections of a [`Store::sibling`].
const SIBLING_CONNECTIONS: u32 = 2;

/// `$first, $first+1, …` for `n` values (the parameters of an `IN` list).
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds since the Unix epoch, the stored form of every instant.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

pub(crate) fn ts(ms: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

pub(crate) fn get_flag(row: &AnyRow, col: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(col)? != 0)
}

/// `DELETE FROM table WHERE id = $1` inside `tx`; how many rows went. `table` is a fixed name of
/// the schema, never a value.
pub(crate) async fn delete_by_id(tx: &mut crate::Tx, table: &'static str, id: &str) -> Result<u64> {
    let done = sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A migrated store: SQLite in memory, or a fresh database on the PostgreSQL server named by
    /// `PATCHBAY_TEST_DATABASE_URL`.
    pub async fn store() -> Store {
        let store = match std::env::var("PATCHBAY_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => {
                let name = format!("pb_store_{}", uuid::Uuid::new_v4().simple());
                let admin = Store::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin.pool())
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                admin.close().await;
                let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
                Store::connect(&format!("{base}/{name}"))
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
            }
            _ => Store::connect("sqlite::memory:")
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        };
        store.migrate().await.unwrap_or_else(|e| panic!("{e}"));
        store
    }
}
