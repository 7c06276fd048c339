//! What the registrar writes and the hub reads (SIP-3, SIP-4): Kamailio's bindings (its usrloc
//! table, here `sip_location`) and the wrong passwords it records (`sip_auth_failures`).
//!
//! On PostgreSQL both tables live in the hub's database. On SQLite they live in a file of their
//! own beside it (`sip.db`): Kamailio 5.6's SQLite driver sets no busy timeout, so its writer must
//! never meet the hub's writers in one file; it only reads the hub's file (subscribers), which WAL
//! lets it do while the hub writes.

use crate::{Dialect, Result, Store};
use patchbay_domain::sip::{registrar_time, Binding};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use std::path::Path;

/// Kamailio 5.6's usrloc table (version 9) under Patchbay's name.
const LOCATION_COLUMNS: &str = "
    ruid VARCHAR(64) DEFAULT '' NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT NULL,
    contact VARCHAR(512) DEFAULT '' NOT NULL,
    received VARCHAR(128) DEFAULT NULL,
    path VARCHAR(512) DEFAULT NULL,
    expires TIMESTAMP WITHOUT TIME ZONE DEFAULT '2030-05-28 21:32:15' NOT NULL,
    q REAL DEFAULT 1.0 NOT NULL,
    callid VARCHAR(255) DEFAULT 'Default-Call-ID' NOT NULL,
    cseq INTEGER DEFAULT 1 NOT NULL,
    last_modified TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL,
    flags INTEGER DEFAULT 0 NOT NULL,
    cflags INTEGER DEFAULT 0 NOT NULL,
    user_agent VARCHAR(255) DEFAULT '' NOT NULL,
    socket VARCHAR(64) DEFAULT NULL,
    methods INTEGER DEFAULT NULL,
    instance VARCHAR(255) DEFAULT NULL,
    reg_id INTEGER DEFAULT 0 NOT NULL,
    server_id INTEGER DEFAULT 0 NOT NULL,
    connection_id INTEGER DEFAULT 0 NOT NULL,
    keepalive INTEGER DEFAULT 0 NOT NULL,
    partition INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT sip_location_ruid_idx UNIQUE (ruid)";

/// A SIP user with recent wrong passwords (see [`RegistrarDb::failing_users`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingUser {
    pub username: String,
    pub domain: String,
    pub failures: i64,
    /// Unix seconds of the last one.
    pub last_at: i64,
    pub source: String,
}

/// `($1, $2), ($3, $4), …` for `n` pairs.
pub(crate) fn pairs(n: usize) -> String {
    (0..n)
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The registrar's tables, wherever they live.
#[derive(Clone, Debug)]
pub struct RegistrarDb {
    pool: AnyPool,
    dialect: Dialect,
}

/// The SQLite file beside the hub's database that the registrar writes.
pub const SQLITE_FILE: &str = "sip.db";

impl RegistrarDb {
    /// The registrar tables of `store`: its own database on PostgreSQL, `dir/sip.db` on SQLite.
    /// Creates the tables when missing.
    pub async fn open(store: &Store, dir: &Path) -> Result<Self> {
        let db = match store.dialect() {
            Dialect::Postgres => Self {
                pool: store.pool().clone(),
                dialect: Dialect::Postgres,
            },
            Dialect::Sqlite => {
                let url = format!("sqlite://{}?mode=rwc", dir.join(SQLITE_FILE).display());
                let pool = AnyPoolOptions::new()
                    .max_connections(2)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            for pragma in
                                ["PRAGMA journal_mode = WAL", "PRAGMA busy_timeout = 10000"]
                            {
                                sqlx::Executor::execute(&mut *conn, pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?;
                Self {
                    pool,
                    dialect: Dialect::Sqlite,
                }
            }
        };
        db.ensure_schema().await?;
        Ok(db)
    }

    async fn ensure_schema(&self) -> Result<()> {
        let (id, serial) = match self.dialect {
            Dialect::Sqlite => (
                "id INTEGER PRIMARY KEY NOT NULL,",
                "INTEGER PRIMARY KEY AUTOINCREMENT",
            ),
            Dialect::Postgres => ("id SERIAL PRIMARY KEY NOT NULL,", "BIGSERIAL PRIMARY KEY"),
        };
        let statements = [
            format!("CREATE TABLE IF NOT EXISTS sip_location ({id}{LOCATION_COLUMNS})"),
            "CREATE INDEX IF NOT EXISTS sip_location_account ON sip_location (username, domain, contact)".into(),
            "CREATE INDEX IF NOT EXISTS sip_location_expires ON sip_location (expires)".into(),
            "CREATE INDEX IF NOT EXISTS sip_location_connection ON sip_location (server_id, connection_id)".into(),
            format!(
                "CREATE TABLE IF NOT EXISTS sip_auth_failures (id {serial}, username VARCHAR(64) NOT NULL, \
                 domain VARCHAR(128) NOT NULL, source VARCHAR(64) NOT NULL, at BIGINT NOT NULL)"
            ),
            "CREATE INDEX IF NOT EXISTS sip_auth_failures_user ON sip_auth_failures (username, domain, at)".into(),
        ];
        for s in statements {
            if let Err(e) = sqlx::query(&s).execute(&self.pool).await {
                // Two nodes creating the tables at once on PostgreSQL: the loser sees the
                // winner's type or index; the tables exist either way.
                if self.dialect == Dialect::Postgres
                    && matches!(crate::sqlstate(&e).as_deref(), Some("23505" | "42P07"))
                {
                    continue;
                }
                return Err(e.into());
            }
        }
        Ok(())
    }

    fn binding_from(row: &AnyRow, tz: &jiff::tz::TimeZone) -> Result<Binding> {
        let time = |c: &str| -> Result<jiff::Timestamp> {
            let raw: String = row.try_get(c)?;
            Ok(registrar_time(&raw, tz).unwrap_or_else(|| {
                tracing::warn!(column = c, value = %raw, "a registrar time does not parse: taken as expired");
                jiff::Timestamp::UNIX_EPOCH
            }))
        };
        Ok(Binding {
            username: row.try_get("username")?,
            domain: row
                .try_get::<Option<String>, _>("domain")?
                .unwrap_or_default(),
            contact: row.try_get("contact")?,
            received: row
                .try_get::<Option<String>, _>("received")?
                .filter(|r| !r.is_empty()),
            expires: time("expires")?,
            user_agent: row.try_get("user_agent")?,
            last_modified: time("last_modified")?,
            socket: row.try_get::<Option<String>, _>("socket")?,
        })
    }

    const SELECT: &'static str =
        "SELECT username, domain, contact, received, CAST(expires AS TEXT) AS expires, \
        user_agent, CAST(last_modified AS TEXT) AS last_modified, socket FROM sip_location";

    /// The bindings that have not expired (the registrar removes the others on its own time).
    #[tracing::instrument(skip_all)]
    pub async fn active_bindings(&self, tz: &jiff::tz::TimeZone) -> Result<Vec<Binding>> {
        let now = match self.dialect {
            Dialect::Sqlite => "julianday('now')",
            Dialect::Postgres => "(now() AT TIME ZONE 'UTC')",
        };
        let rows = sqlx::query(&format!("{} WHERE expires > {now}", Self::SELECT))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Self::binding_from(r, tz)).collect()
    }

    /// The bindings of the users `username@domain` in `users`, newest first.
    #[tracing::instrument(skip_all, fields(n = users.len()))]
    pub async fn bindings_of(
        &self,
        users: &[(String, String)],
        tz: &jiff::tz::TimeZone,
    ) -> Result<Vec<Binding>> {
        let mut out = Vec::new();
        for chunk in users.chunks(200) {
            let sql = format!(
                "{} WHERE (username, domain) IN (VALUES {}) ORDER BY last_modified DESC, id DESC",
                Self::SELECT,
                pairs(chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for (user, domain) in chunk {
                q = q.bind(user).bind(domain);
            }
            for r in &q.fetch_all(&self.pool).await? {
                out.push(Self::binding_from(r, tz)?);
            }
        }
        Ok(out)
    }

    /// The SIP users with at least `min` wrong passwords since `since` (Unix seconds): how many,
    /// the last one's time, and one source address — one grouped query, so a flood of failures
    /// costs one statement per poll.
    #[tracing::instrument(skip_all)]
    pub async fn failing_users(&self, since: i64, min: i64) -> Result<Vec<FailingUser>> {
        let rows = sqlx::query(
            "SELECT username, domain, COUNT(*) AS n, MAX(at) AS last_at, MAX(source) AS source \
             FROM sip_auth_failures WHERE at >= $1 GROUP BY username, domain HAVING COUNT(*) >= $2 \
             ORDER BY username, domain LIMIT 1000",
        )
        .bind(since)
        .bind(min)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FailingUser {
                    username: r.try_get("username")?,
                    domain: r.try_get("domain")?,
                    failures: r.try_get("n")?,
                    last_at: r.try_get("last_at")?,
                    source: r.try_get("source")?,
                })
            })
            .collect()
    }

    /// Record a binding the way Kamailio stores it (Julian days on SQLite, local time in `tz` on
    /// PostgreSQL), for tests of what the hub reads; in use, only the registrar writes here.
    #[doc(hidden)]
    pub async fn write_binding_for_tests(
        &self,
        b: &Binding,
        tz: &jiff::tz::TimeZone,
    ) -> Result<()> {
        let (cast, expires, modified) = match self.dialect {
            Dialect::Sqlite => {
                let jd = |t: jiff::Timestamp| {
                    (t.as_millisecond() as f64 / 86_400_000.0 + 2_440_587.5).to_string()
                };
                ("CAST($x AS REAL)", jd(b.expires), jd(b.last_modified))
            }
            Dialect::Postgres => {
                let civil = |t: jiff::Timestamp| {
                    t.to_zoned(tz.clone())
                        .datetime()
                        .strftime("%Y-%m-%d %H:%M:%S")
                        .to_string()
                };
                (
                    "CAST($x AS TIMESTAMP)",
                    civil(b.expires),
                    civil(b.last_modified),
                )
            }
        };
        sqlx::query(&format!(
            "INSERT INTO sip_location (ruid, username, domain, contact, received, expires, last_modified, user_agent, socket) \
             VALUES ($1, $2, $3, $4, $5, {}, {}, $8, $9)",
            cast.replace("$x", "$6"),
            cast.replace("$x", "$7"),
        ))
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(b.username.as_str())
        .bind(b.domain.as_str())
        .bind(b.contact.as_str())
        .bind(b.received.clone())
        .bind(expires)
        .bind(modified)
        .bind(b.user_agent.as_str())
        .bind(b.socket.clone())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forget every binding (tests only: the registrar removes its own).
    #[doc(hidden)]
    pub async fn clear_bindings_for_tests(&self) -> Result<()> {
        sqlx::query("DELETE FROM sip_location")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Record a wrong password the way the registrar's script does (tests only).
    #[doc(hidden)]
    pub async fn record_auth_failure_for_tests(
        &self,
        username: &str,
        domain: &str,
        source: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sip_auth_failures (username, domain, source, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(username)
        .bind(domain)
        .bind(source)
        .bind(jiff::Timestamp::now().as_second())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn close(&self) {
        if self.dialect == Dialect::Sqlite {
            self.pool.close().await;
        }
    }
}
