//! A small migration runner: numbered SQL files embedded at build time, applied in order inside a
//! transaction each, recorded in `schema_migrations`. The same files serve both engines; the only
//! dialect difference (`BLOB` → `BYTEA`) is rewritten here. On PostgreSQL an advisory lock keeps
//! concurrent nodes from migrating at the same time.

use crate::{Dialect, Result, Store, StoreError};
use sqlx::Row;

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "accounts",
        include_str!("../migrations/0001_accounts.sql"),
    ),
    (
        2,
        "customers",
        include_str!("../migrations/0002_customers.sql"),
    ),
    (3, "outbox", include_str!("../migrations/0003_outbox.sql")),
    (
        4,
        "provider indexes",
        include_str!("../migrations/0004_provider_indexes.sql"),
    ),
    (5, "calling", include_str!("../migrations/0005_calling.sql")),
    (
        6,
        "login attempts",
        include_str!("../migrations/0006_login_attempts.sql"),
    ),
    (
        7,
        "number entries",
        include_str!("../migrations/0007_number_entries.sql"),
    ),
    (
        8,
        "webex fields",
        include_str!("../migrations/0008_webex_fields.sql"),
    ),
    (
        9,
        "device settings",
        include_str!("../migrations/0009_device_settings.sql"),
    ),
    (10, "jobs", include_str!("../migrations/0010_jobs.sql")),
    (11, "logs", include_str!("../migrations/0011_logs.sql")),
    (12, "remote", include_str!("../migrations/0012_remote.sql")),
    (
        13,
        "repository",
        include_str!("../migrations/0013_repository.sql"),
    ),
    (
        14,
        "customization",
        include_str!("../migrations/0014_customization.sql"),
    ),
    (
        15,
        "phone_files",
        include_str!("../migrations/0015_phone_files.sql"),
    ),
    (16, "sip", include_str!("../migrations/0016_sip.sql")),
    (
        17,
        "provisioning",
        include_str!("../migrations/0017_provisioning.sql"),
    ),
    (18, "mobile", include_str!("../migrations/0018_mobile.sql")),
    (
        19,
        "onboarding",
        include_str!("../migrations/0019_onboarding.sql"),
    ),
    (
        20,
        "mobile_imports",
        include_str!("../migrations/0020_mobile_imports.sql"),
    ),
    (
        21,
        "mobile_operators",
        include_str!("../migrations/0021_mobile_operators.sql"),
    ),
    (
        22,
        "alarm_streams",
        include_str!("../migrations/0022_alarm_streams.sql"),
    ),
    (
        23,
        "scale_out",
        include_str!("../migrations/0023_scale_out.sql"),
    ),
    (
        24,
        "customer_search",
        include_str!("../migrations/0024_customer_search.sql"),
    ),
    (
        25,
        "customer_search_sqlite",
        include_str!("../migrations/0025_customer_search_sqlite.sql"),
    ),
    (
        26,
        "report_digest",
        include_str!("../migrations/0026_report_digest.sql"),
    ),
    (
        27,
        "customer_search_tags",
        include_str!("../migrations/0027_customer_search_tags.sql"),
    ),
    (
        28,
        "customer_search_key",
        include_str!("../migrations/0028_customer_search_key.sql"),
    ),
    (
        29,
        "periodic_work_at_scale",
        include_str!("../migrations/0029_periodic_work_at_scale.sql"),
    ),
    (
        30,
        "certificates",
        include_str!("../migrations/0030_certificates.sql"),
    ),
    (
        31,
        "system_certificates",
        include_str!("../migrations/0031_system_certificates.sql"),
    ),
    (
        32,
        "enrolment",
        include_str!("../migrations/0032_enrolment.sql"),
    ),
    (
        33,
        "application_centre",
        include_str!("../migrations/0033_application_centre.sql"),
    ),
    (
        34,
        "issuing_ca_upload",
        include_str!("../migrations/0034_issuing_ca_upload.sql"),
    ),
];

/// How many migrations this build knows (APC-1 compares it with what the database applied).
pub(crate) fn known() -> usize {
    MIGRATIONS.len()
}

fn dialect_sql(sql: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => sql.to_string(),
        Dialect::Postgres => sql.replace(" BLOB", " BYTEA"),
    }
}

/// The comment lines that make the statement after them one engine's alone (an extension, an
/// index kind the other does not have).
const ONLY_ON_POSTGRES: &str = "-- only on postgres";
const ONLY_ON_SQLITE: &str = "-- only on sqlite";

/// Split a migration file into the statements `dialect` runs. Statements end at `;`, except
/// inside a trigger's `BEGIN … END` (no semicolons inside our literals or comments).
fn statements(sql: &str, dialect: Dialect) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    for piece in sql.split(';') {
        let joined = match pending.take() {
            Some(mut p) => {
                p.push(';');
                p.push_str(piece);
                p
            }
            None => piece.to_string(),
        };
        let body: String = joined
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let body = body.trim();
        let upper = body.to_ascii_uppercase();
        if upper.starts_with("CREATE TRIGGER") && !upper.ends_with("END") {
            pending = Some(joined);
            continue;
        }
        let skip = match dialect {
            Dialect::Sqlite => ONLY_ON_POSTGRES,
            Dialect::Postgres => ONLY_ON_SQLITE,
        };
        if body.is_empty() || joined.lines().any(|l| l.trim() == skip) {
            continue;
        }
        out.push(body.to_string());
    }
    out
}

#[tracing::instrument(skip_all)]
pub(crate) async fn run(store: &Store) -> Result<Vec<i64>> {
    let mut conn = store.pool().acquire().await?;
    if store.dialect() == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_lock(7080)")
            .execute(&mut *conn)
            .await?;
    }
    let result = apply(store, &mut conn).await;
    if store.dialect() == Dialect::Postgres {
        sqlx::query("SELECT pg_advisory_unlock(7080)")
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn apply(
    store: &Store,
    conn: &mut sqlx::pool::PoolConnection<sqlx::Any>,
) -> Result<Vec<i64>> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut **conn)
    .await?;
    let rows = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut **conn)
        .await?;
    let done: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get::<i64, _>("version"))
        .collect::<Result<_, _>>()?;
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if done.contains(version) {
            continue;
        }
        let mut tx = sqlx::Connection::begin(&mut **conn).await?;
        for stmt in statements(&dialect_sql(sql, store.dialect()), store.dialect()) {
            sqlx::query(&stmt)
                .execute(&mut *tx)
                .await
                .map_err(|source| StoreError::Migration {
                    version: *version,
                    source,
                })?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(*version)
        .bind(*name)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version, name, "applied migration");
        applied.push(*version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_marked_only_on_postgres_is_left_out_on_sqlite() {
        let sql = "CREATE TABLE a (x TEXT);\n-- only on postgres\nCREATE EXTENSION pg_trgm;\nCREATE TABLE b (y TEXT)";
        let on = |d| statements(sql, d);
        assert_eq!(
            on(Dialect::Sqlite),
            ["CREATE TABLE a (x TEXT)", "CREATE TABLE b (y TEXT)"]
        );
        assert_eq!(on(Dialect::Postgres).len(), 3);
    }

    #[test]
    fn a_trigger_is_one_statement_with_its_semicolons() {
        let sql = "-- only on sqlite\nCREATE TRIGGER t AFTER DELETE ON a BEGIN\n DELETE FROM b;\n DELETE FROM c;\nEND;\nCREATE TABLE d (x TEXT)";
        let on = |d| statements(sql, d);
        assert_eq!(
            on(Dialect::Sqlite),
            [
                "CREATE TRIGGER t AFTER DELETE ON a BEGIN\n DELETE FROM b;\n DELETE FROM c;\nEND",
                "CREATE TABLE d (x TEXT)"
            ]
        );
        assert_eq!(on(Dialect::Postgres), ["CREATE TABLE d (x TEXT)"]);
    }

    #[test]
    fn the_sqlite_search_index_is_fed_the_expression_the_list_searches() {
        let indexed = crate::customers::SEARCH_TEXT.replace("c.", "new.");
        for migration in ["customer_search_sqlite", "customer_search_key"] {
            assert!(MIGRATIONS
                .iter()
                .any(|(_, name, sql)| *name == migration && sql.contains(&indexed)));
        }
    }

    #[test]
    fn the_postgres_search_column_holds_the_fields_the_list_searches_and_the_tags() {
        let fields = crate::customers::SEARCH_TEXT
            .replace("c.", "")
            .replace(")", " || '|' || tag_text)");
        assert!(MIGRATIONS
            .iter()
            .any(|(_, name, sql)| *name == "customer_search_tags" && sql.contains(&fields)));
    }

    #[tokio::test]
    async fn migrations_are_idempotent() {
        let store = crate::testing::store().await;
        assert!(store.migrate().await.unwrap_or_default().is_empty());
    }
}
