//! The audit log: who did what to which target, when, from where, with what outcome. Records of
//! successful changes are written inside the change's own transaction.

use crate::list::{Filter, Page};
use crate::sql::PageRequest;
use crate::{now_ms, ts, Result, Store};
use patchbay_domain::{AccountId, AuditId};
use sea_query::{Alias, Expr, Order, Query};
use sqlx::{Any, Row};

/// Who is acting and from where; passed to every store method that changes state.
#[derive(Debug, Clone, Default)]
pub struct AuditMeta {
    pub actor_id: Option<AccountId>,
    pub actor_login: String,
    pub source: String,
}

impl AuditMeta {
    /// The command-line tool acting offline on the data dir.
    pub fn cli() -> Self {
        Self {
            actor_id: None,
            actor_login: "cli".into(),
            source: "local".into(),
        }
    }
    /// The hub itself (start-up, scheduled sweeps).
    pub fn system() -> Self {
        Self {
            actor_id: None,
            actor_login: "system".into(),
            source: "hub".into(),
        }
    }
}

/// What a record says about the change.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: String,
    pub target_name: String,
    pub outcome: &'a str,
    pub detail: String,
}

impl<'a> AuditEntry<'a> {
    /// A successful change of one target: `target_type` `target_id`, shown as `target_name`.
    pub fn success(
        action: &'a str,
        target_type: &'a str,
        target_id: impl ToString,
        target_name: impl Into<String>,
    ) -> Self {
        Self {
            action,
            target_type,
            target_id: target_id.to_string(),
            target_name: target_name.into(),
            outcome: "success",
            detail: String::new(),
        }
    }

    /// The same record with `detail` (what changed).
    pub fn with_detail(self, detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: AuditId,
    pub at: jiff::Timestamp,
    pub actor_id: Option<AccountId>,
    pub actor_login: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub target_name: String,
    pub source: String,
    pub outcome: String,
    pub detail: String,
}

const INSERT: &str = "INSERT INTO audit_events (id, at, actor_id, actor_login, action, target_type, target_id, target_name, source, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// An audit record keeps what it was given, except characters no database column can hold or a
/// log viewer should render: NUL (PostgreSQL refuses it) and the other control characters become
/// U+FFFD. Refused requests name what they refused — an unknown field's name, say — so a record's
/// text may come straight from an attacker.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn insert_query(
    meta: &AuditMeta,
    e: &AuditEntry<'_>,
) -> sqlx::query::Query<'static, Any, sqlx::any::AnyArguments<'static>> {
    sqlx::query(INSERT)
        .bind(AuditId::new().to_string())
        .bind(now_ms())
        .bind(meta.actor_id.map(|a| a.to_string()))
        .bind(printable(&meta.actor_login))
        .bind(printable(e.action))
        .bind(printable(e.target_type))
        .bind(printable(&e.target_id))
        .bind(printable(&e.target_name))
        .bind(printable(&meta.source))
        .bind(printable(e.outcome))
        .bind(printable(&e.detail))
}

/// Write a record inside `tx`.
pub(crate) async fn write(
    tx: &mut crate::Tx,
    meta: &AuditMeta,
    entry: AuditEntry<'_>,
) -> Result<()> {
    insert_query(meta, &entry).execute(&mut **tx).await?;
    Ok(())
}

/// Filters for the audit list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_login: Option<String>,
    pub outcome: Option<String>,
}

impl Store {
    /// Record something that changed nothing (a refused request, a failed login …).
    #[tracing::instrument(skip_all, fields(action = entry.action))]
    pub async fn audit(&self, meta: &AuditMeta, entry: AuditEntry<'_>) -> Result<()> {
        insert_query(meta, &entry).execute(self.pool()).await?;
        Ok(())
    }

    /// Newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<(Vec<AuditEvent>, i64)> {
        let f = Filter::new()
            .eq("e.action", filter.action.clone())
            .eq("e.actor_login", filter.actor_login.clone())
            .eq("e.outcome", filter.outcome.clone());
        let q = Query::select()
            .expr(Expr::cust("e.*"))
            .from_as(Alias::new("audit_events"), Alias::new("e"))
            .order_by((Alias::new("e"), Alias::new("at")), Order::Desc)
            .order_by((Alias::new("e"), Alias::new("id")), Order::Desc)
            .to_owned();
        let Page { items: rows, total } = self.count_and_page(q, f, page).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(AuditEvent {
                    id: parse_id(r.try_get::<String, _>("id")?)?,
                    at: ts(r.try_get("at")?),
                    actor_id: r
                        .try_get::<Option<String>, _>("actor_id")?
                        .map(parse_id)
                        .transpose()?,
                    actor_login: r.try_get("actor_login")?,
                    action: r.try_get("action")?,
                    target_type: r.try_get("target_type")?,
                    target_id: r.try_get("target_id")?,
                    target_name: r.try_get("target_name")?,
                    source: r.try_get("source")?,
                    outcome: r.try_get("outcome")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
    }
}

pub(crate) fn parse_id<T: std::str::FromStr>(s: String) -> Result<T> {
    s.parse()
        .map_err(|_| crate::StoreError::Corrupt(format!("bad id {s:?}")))
}
