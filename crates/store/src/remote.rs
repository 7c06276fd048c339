//! Remote support (RMT-2, RMT-8): maintenance proxy accounts — one per distributor and per
//! reseller, created with the provider — the customers each may reach, and the audit of every
//! proxy session, from its start to its end (closed as interrupted when its node died).

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::list::{select_from, sort_expr, Filter, Page, SortColumns};
use crate::sql::{PageRequest, SortOrder};
use crate::{now_ms, scope, ts, unique_as, Result, Store, StoreError, Taken};
use patchbay_domain::remote::Candidate;
use patchbay_domain::{CustomerId, Scope};
use sea_query::{Expr, Order};
use sqlx::Row;

crate::sort_columns! {
    /// RMT-8's sortable columns.
    pub enum SessionSort {
        Started => "started" => "s.started_at",
        ProxyUser => "proxyUser" => "LOWER(s.proxy_user)",
        Customer => "customer" => "LOWER(s.customer_name)",
        Target => "target" => "s.target",
        Outcome => "outcome" => "s.outcome",
    }
}

/// A maintenance proxy account as its list shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAccount {
    pub id: String,
    /// `distributor` or `reseller`.
    pub provider_kind: &'static str,
    pub provider_id: String,
    pub provider_name: String,
    /// Empty until someone sets it.
    pub user_name: String,
    pub password_set: bool,
    pub updated_at: Option<jiff::Timestamp>,
}

/// What the proxy checks a login against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyLogin {
    pub account: ProxyAccount,
    pub password_hash: String,
}

/// A customer a proxy account reaches, and how the address named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCustomer {
    pub id: CustomerId,
    pub customer_id: String,
    pub name: String,
    pub candidate: Candidate,
}

/// A session as it starts (RMT-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStart<'a> {
    pub account: &'a ProxyAccount,
    pub source_address: &'a str,
    pub target: &'a str,
    pub customer: Option<&'a RemoteCustomer>,
    pub system_name: &'a str,
    pub node_id: &'a str,
    /// The console account, when the session is one of its own (RMT-5's Web Manager).
    pub operator: Option<&'a str>,
}

/// A recorded session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteSession {
    pub id: String,
    pub proxy_user: String,
    pub provider_name: String,
    pub source_address: String,
    pub target: String,
    pub customer_id: Option<String>,
    pub customer_name: String,
    pub system_name: String,
    pub node_id: String,
    pub started_at: jiff::Timestamp,
    pub ended_at: Option<jiff::Timestamp>,
    pub bytes_up: i64,
    pub bytes_down: i64,
    /// `open` while it lasts; then `closed`, `ended` (by an administrator), `interrupted` (its
    /// hub node stopped) or the refusal's code.
    pub outcome: String,
    pub reason: String,
}

/// What a session list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionFilter {
    /// Only sessions still open.
    pub live: Option<bool>,
    pub outcome: Option<String>,
    /// Part of the proxy user, customer, system, target or source address.
    pub search: Option<String>,
}

const ACCOUNT_COLUMNS: &str = "p.id, p.distributor_id, p.reseller_id, COALESCE(p.user_name, '') AS user_name, p.password_hash, p.updated_at, \
     COALESCE(d.name, r.name) AS provider_name";
const ACCOUNT_FROM: &str =
    "FROM proxy_accounts p LEFT JOIN distributors d ON d.id = p.distributor_id \
     LEFT JOIN resellers r ON r.id = p.reseller_id";
const SESSION_COLUMNS: &str = "s.id, s.proxy_user, s.provider_name, s.source_address, s.target, s.customer_id, s.customer_name, \
     s.system_name, s.node_id, s.started_at, s.ended_at, s.bytes_up, s.bytes_down, s.outcome, s.reason";

fn login_from_row(r: &sqlx::any::AnyRow) -> Result<ProxyLogin> {
    let distributor: Option<String> = r.try_get("distributor_id")?;
    let reseller: Option<String> = r.try_get("reseller_id")?;
    let hash: String = r.try_get("password_hash")?;
    let (provider_kind, provider_id) = match (distributor, reseller) {
        (Some(d), _) => ("distributor", d),
        (None, Some(r)) => ("reseller", r),
        (None, None) => ("distributor", String::new()),
    };
    Ok(ProxyLogin {
        account: ProxyAccount {
            id: r.try_get("id")?,
            provider_kind,
            provider_id,
            provider_name: r
                .try_get::<Option<String>, _>("provider_name")?
                .unwrap_or_default(),
            user_name: r.try_get("user_name")?,
            password_set: !hash.is_empty(),
            updated_at: r.try_get::<Option<i64>, _>("updated_at")?.map(ts),
        },
        password_hash: hash,
    })
}

fn session_from_row(r: &sqlx::any::AnyRow) -> Result<RemoteSession> {
    Ok(RemoteSession {
        id: r.try_get("id")?,
        proxy_user: r.try_get("proxy_user")?,
        provider_name: r.try_get("provider_name")?,
        source_address: r.try_get("source_address")?,
        target: r.try_get("target")?,
        customer_id: r.try_get("customer_id")?,
        customer_name: r.try_get("customer_name")?,
        system_name: r.try_get("system_name")?,
        node_id: r.try_get("node_id")?,
        started_at: ts(r.try_get("started_at")?),
        ended_at: r.try_get::<Option<i64>, _>("ended_at")?.map(ts),
        bytes_up: r.try_get("bytes_up")?,
        bytes_down: r.try_get("bytes_down")?,
        outcome: r.try_get("outcome")?,
        reason: r.try_get("reason")?,
    })
}

/// The proxy account of a new provider, inside the transaction that creates it.
pub(crate) async fn create_proxy_account(
    tx: &mut crate::Tx,
    distributor: Option<&str>,
    reseller: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO proxy_accounts (id, distributor_id, reseller_id, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(distributor)
    .bind(reseller)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// RMT-2: every proxy account `scope` may know of, distributors first, by provider name.
    #[tracing::instrument(skip_all)]
    pub async fn proxy_accounts(&self, scope: Scope) -> Result<Vec<ProxyAccount>> {
        let mut q = select_from(
            ACCOUNT_COLUMNS,
            ("proxy_accounts", "p"),
            &[
                (
                    sea_query::JoinType::LeftJoin,
                    "distributors",
                    "d",
                    "d.id = p.distributor_id",
                ),
                (
                    sea_query::JoinType::LeftJoin,
                    "resellers",
                    "r",
                    "r.id = p.reseller_id",
                ),
            ],
        );
        if scope != Scope::All {
            let mut reach = crate::list::related(
                "customers",
                "c",
                "(c.distributor_id = p.distributor_id OR c.reseller_id = p.reseller_id)",
            );
            reach.cond_where(scope::customers(scope));
            q.and_where(Expr::exists(reach));
        }
        q.order_by_expr(
            Expr::cust("CASE WHEN p.distributor_id IS NULL THEN 1 ELSE 0 END"),
            Order::Asc,
        )
        .order_by_expr(Expr::cust("LOWER(COALESCE(d.name, r.name))"), Order::Asc)
        .order_by_expr(Expr::cust("p.id"), Order::Asc);
        self.select_all(&q)
            .await?
            .iter()
            .map(|r| login_from_row(r).map(|l| l.account))
            .collect()
    }

    /// One proxy account `scope` may know of.
    pub async fn proxy_account(&self, scope: Scope, id: &str) -> Result<ProxyAccount> {
        self.proxy_accounts(scope)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(StoreError::NotFound)
    }

    /// The proxy account that reaches customer `c` (RMT-6): its reseller's when that one is
    /// usable (user name and password set), else its distributor's; `None` when neither is.
    #[tracing::instrument(skip_all)]
    pub async fn proxy_account_for(&self, c: CustomerId) -> Result<Option<ProxyAccount>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} {ACCOUNT_FROM} JOIN customers c ON (c.reseller_id = p.reseller_id OR c.distributor_id = p.distributor_id) \
             WHERE c.id = $1 AND p.password_hash <> '' AND p.user_key IS NOT NULL ORDER BY CASE WHEN p.reseller_id IS NULL THEN 1 ELSE 0 END"
        ))
        .bind(c.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.first()
            .map(|r| login_from_row(r).map(|l| l.account))
            .transpose()
    }

    /// The account a proxy user name logs in as (case-insensitive), when its password is set.
    #[tracing::instrument(skip_all)]
    pub async fn proxy_login(&self, user: &str) -> Result<Option<ProxyLogin>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} {ACCOUNT_FROM} WHERE p.user_key = $1 AND p.password_hash <> ''"
        ))
        .bind(user.to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(login_from_row).transpose()
    }

    /// RMT-2: set a proxy account's user name and password hash (audited; never the password).
    #[tracing::instrument(skip_all)]
    pub async fn set_proxy_credentials(
        &self,
        meta: &AuditMeta,
        id: &str,
        user_name: &str,
        password_hash: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE proxy_accounts SET user_name = $2, user_key = $3, \
             password_hash = COALESCE($4, password_hash), updated_at = $5, updated_by = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(user_name)
        .bind(user_name.to_lowercase())
        .bind(password_hash)
        .bind(now_ms())
        .bind(meta.actor_id.map(|a| a.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(unique_as(Taken::ProxyUserName))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let what = if password_hash.is_some() {
            "user name and password"
        } else {
            "user name"
        };
        let entry = AuditEntry::success("proxyAccount.update", "proxyAccount", id, what);
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// RMT-4: the customer an address names, among those the account's provider holds; the
    /// longest customer ID that exists wins.
    #[tracing::instrument(skip_all)]
    pub async fn remote_customer(
        &self,
        account: &ProxyAccount,
        candidates: &[Candidate],
    ) -> Result<Option<RemoteCustomer>> {
        let ids: Vec<String> = candidates.iter().map(|c| c.customer_id.clone()).collect();
        let column = if account.provider_kind == "reseller" {
            "c.reseller_id"
        } else {
            "c.distributor_id"
        };
        let mut q = select_from("c.id, c.customer_id, c.name", ("customers", "c"), &[]);
        q.and_where(crate::list::col("c.customer_id").is_in(ids))
            .and_where(crate::list::col(column).eq(account.provider_id.clone()));
        let rows = self.select_all(&q).await?;
        for cand in candidates {
            for r in &rows {
                let cid: String = r.try_get("customer_id")?;
                if cid == cand.customer_id {
                    return Ok(Some(RemoteCustomer {
                        id: crate::audit::parse_id(r.try_get("id")?)?,
                        customer_id: cid,
                        name: r.try_get("name")?,
                        candidate: cand.clone(),
                    }));
                }
            }
        }
        Ok(None)
    }

    /// RMT-8: a session starts (outcome `open`), or is refused (with its refusal) — one row.
    #[tracing::instrument(skip_all)]
    pub async fn start_remote_session(
        &self,
        s: &SessionStart<'_>,
        refused: Option<(&str, &str)>,
    ) -> Result<String> {
        let id = uuid::Uuid::now_v7().to_string();
        let now = now_ms();
        let (outcome, reason, ended) = match refused {
            Some((code, reason)) => (code, reason, Some(now)),
            None => ("open", "", None),
        };
        sqlx::query(
            "INSERT INTO remote_sessions (id, proxy_account_id, proxy_user, provider_name, source_address, target, \
             customer_id, customer_name, system_name, node_id, started_at, ended_at, outcome, reason, operator_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(id.as_str())
        .bind(s.account.id.as_str())
        .bind(s.account.user_name.as_str())
        .bind(s.account.provider_name.as_str())
        .bind(s.source_address)
        .bind(s.target)
        .bind(s.customer.map(|c| c.id.to_string()))
        .bind(s.customer.map(|c| c.name.clone()).unwrap_or_default())
        .bind(s.system_name)
        .bind(s.node_id)
        .bind(now)
        .bind(ended)
        .bind(outcome)
        .bind(reason)
        .bind(s.operator)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The byte counts of an open session so far (kept every few seconds, so a killed node
    /// loses at most that much of the count).
    pub async fn remote_session_progress(&self, id: &str, up: u64, down: u64) -> Result<()> {
        sqlx::query("UPDATE remote_sessions SET bytes_up = $2, bytes_down = $3 WHERE id = $1 AND ended_at IS NULL")
            .bind(id)
            .bind(up as i64)
            .bind(down as i64)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// RMT-8: a session ended (`closed`, `ended`, or a failure code after it was admitted).
    #[tracing::instrument(skip_all)]
    pub async fn end_remote_session(
        &self,
        id: &str,
        outcome: &str,
        reason: &str,
        up: u64,
        down: u64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE remote_sessions SET ended_at = $2, outcome = $3, reason = $4, bytes_up = $5, bytes_down = $6 \
             WHERE id = $1 AND ended_at IS NULL",
        )
        .bind(id)
        .bind(now_ms())
        .bind(outcome)
        .bind(reason)
        .bind(up as i64)
        .bind(down as i64)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Sessions left open by a node that stopped without closing them (`node`: this node's
    /// previous run; `None`: every node that has not heart-beaten for `stale_after` by the database's
    /// clock).
    #[tracing::instrument(skip_all)]
    pub async fn interrupt_remote_sessions(
        &self,
        node: Option<&str>,
        stale_after: Option<std::time::Duration>,
    ) -> Result<u64> {
        let stale_before_ms = self.db_ms_ago(stale_after).await?;
        let done = sqlx::query(
            "UPDATE remote_sessions SET ended_at = $1, outcome = 'interrupted', reason = 'the hub node stopped' \
             WHERE ended_at IS NULL AND (node_id = $2 OR ($2 IS NULL AND NOT EXISTS \
             (SELECT 1 FROM hub_nodes n WHERE n.id = remote_sessions.node_id AND n.heartbeat_at >= $3)))",
        )
        .bind(now_ms())
        .bind(node)
        .bind(stale_before_ms)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// RMT-8: an administrator ends a live session; its node stops it at its next look. The
    /// node holding it, or `None` when it had already ended.
    #[tracing::instrument(skip_all)]
    pub async fn request_session_stop(&self, meta: &AuditMeta, id: &str) -> Result<Option<String>> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE remote_sessions SET stop_requested = 1 WHERE id = $1 AND ended_at IS NULL RETURNING node_id, target",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            let exists = sqlx::query("SELECT 1 AS x FROM remote_sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return match exists {
                Some(_) => Ok(None),
                None => Err(StoreError::NotFound),
            };
        };
        let target: String = row.try_get("target")?;
        let entry = AuditEntry::success("remoteSession.end", "remoteSession", id, &target);
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(Some(row.try_get("node_id")?))
    }

    /// Open sessions of `node` an administrator asked to end.
    pub async fn sessions_to_stop(&self, node: &str) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT id FROM remote_sessions WHERE node_id = $1 AND ended_at IS NULL AND stop_requested = 1",
        )
        .bind(node)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("id")?))
            .collect()
    }

    /// One session.
    pub async fn remote_session(&self, id: &str) -> Result<RemoteSession> {
        let mut q = select_from(SESSION_COLUMNS, ("remote_sessions", "s"), &[]);
        q.and_where(crate::list::col("s.id").eq(id));
        let row = self
            .select_optional(&q)
            .await?
            .ok_or(StoreError::NotFound)?;
        session_from_row(&row)
    }

    /// RMT-8: the sessions list (Administrators), newest first unless sorted otherwise.
    #[tracing::instrument(skip_all)]
    pub async fn list_remote_sessions(
        &self,
        f: &SessionFilter,
        sort: Option<(SessionSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<Page<RemoteSession>> {
        let mut q = select_from(SESSION_COLUMNS, ("remote_sessions", "s"), &[]);
        if let Some((c, dir)) = sort {
            q.order_by_expr(sort_expr(c.column()), dir.into());
        }
        q.order_by_expr(Expr::cust("s.started_at"), Order::Desc)
            .order_by_expr(Expr::cust("s.id"), Order::Desc);
        let filter = Filter::new()
            .when(f.live == Some(true), Expr::cust("s.ended_at IS NULL"))
            .when(f.live == Some(false), Expr::cust("s.ended_at IS NOT NULL"))
            .eq_text("s.outcome", f.outcome.as_deref())
            .contains_any(
                &[
                    "s.proxy_user",
                    "s.customer_name",
                    "s.system_name",
                    "s.target",
                    "s.source_address",
                ],
                f.search.as_deref(),
            );
        let rows = self.count_and_page(q, filter, page).await?;
        rows.try_map(|r| session_from_row(&r))
    }

    /// Sessions ended more than `days` ago are forgotten (the retention preference).
    pub async fn purge_remote_sessions(&self, days: i64) -> Result<u64> {
        let before = now_ms() - days.max(1) * 86_400_000;
        let done =
            sqlx::query("DELETE FROM remote_sessions WHERE ended_at IS NOT NULL AND ended_at < $1")
                .bind(before)
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected())
    }
}
