//! The mail outbox (CUS-7): every e-mail is stored first; a mailer delivers queued ones over SMTP
//! when one is configured, otherwise they stay readable in the console.

use crate::audit::{parse_id, write, AuditEntry, AuditMeta};
use crate::list::Filter;
use crate::sql::PageRequest;
use crate::{now_ms, ts, Result, Store};
use sea_query::{Alias, Expr, Order, Query};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub id: uuid::Uuid,
    pub created_at: jiff::Timestamp,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// queued | sent | failed | kept (no SMTP transport configured)
    pub status: String,
    pub attempts: i64,
    pub last_error: String,
    pub sent_at: Option<jiff::Timestamp>,
    /// Holds a one-time secret: its body is not listed (empty here), and is blanked once sent.
    pub sensitive: bool,
}

/// A mail as listed: a sensitive one without its body.
fn listed(r: &sqlx::any::AnyRow) -> Result<Mail> {
    let mut m = mail(r)?;
    if m.sensitive {
        m.body = String::new();
    }
    Ok(m)
}

fn mail(r: &sqlx::any::AnyRow) -> Result<Mail> {
    Ok(Mail {
        id: parse_id(r.try_get("id")?)?,
        created_at: ts(r.try_get("created_at")?),
        to: r.try_get("to_addr")?,
        subject: r.try_get("subject")?,
        body: r.try_get("body")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        last_error: r.try_get("last_error")?,
        sent_at: r.try_get::<Option<i64>, _>("sent_at")?.map(ts),
        sensitive: r.try_get::<i64, _>("sensitive")? != 0,
    })
}

/// One message to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Audit target: its type (`customer`, `person`, `account`) and id.
    pub target_type: &'static str,
    pub target_id: String,
    pub target_name: String,
    /// Holds a one-time secret (see [`Mail::sensitive`]).
    pub sensitive: bool,
}

/// Queue one message inside `tx` (with the change it belongs to), audited.
pub(crate) async fn insert_mail(
    tx: &mut crate::Tx,
    meta: &AuditMeta,
    m: &NewMail,
    status: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO outbox (id, created_at, to_addr, subject, body, status, sensitive) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(now_ms())
        .bind(m.to.as_str())
        .bind(m.subject.as_str())
        .bind(m.body.as_str())
        .bind(status)
        .bind(i64::from(m.sensitive))
        .execute(&mut **tx)
        .await?;
    write(
        tx,
        meta,
        AuditEntry {
            action: if m.target_type == "customer" {
                "customer.email"
            } else {
                "mail.queue"
            },
            target_type: m.target_type,
            target_id: m.target_id.clone(),
            target_name: m.target_name.clone(),
            outcome: "success",
            detail: format!("to {}", m.to),
        },
    )
    .await
}

impl Store {
    /// Queue messages (all or nothing), audited. `status` is `queued` when a transport will send
    /// them, `kept` when the outbox is the transport.
    #[tracing::instrument(skip_all)]
    pub async fn enqueue_mail(
        &self,
        meta: &AuditMeta,
        mails: &[NewMail],
        status: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for m in mails {
            insert_mail(&mut tx, meta, m, status).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claim up to `limit` queued messages due for (re)delivery, oldest first: each is moved
    /// `lease` into the future in the same statement, so another node (or this one, next tick)
    /// does not send it again meanwhile. A node that dies while sending leaves its claims to be
    /// sent again once the lease ran out. Due-ness is judged by the database's clock.
    pub async fn claim_mail(&self, limit: i64, lease: std::time::Duration) -> Result<Vec<Mail>> {
        let now = self.db_now_ms().await?;
        let until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let rows = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $3 WHERE id IN \
             (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $2 ORDER BY created_at LIMIT $1) \
             AND status = 'queued' AND next_attempt_at <= $2 RETURNING *",
        )
        .bind(limit)
        .bind(now)
        .bind(until)
        .fetch_all(self.pool())
        .await?;
        let mut mails = rows.iter().map(mail).collect::<Result<Vec<_>>>()?;
        mails.sort_by_key(|m| m.created_at);
        Ok(mails)
    }

    /// Record a delivery attempt; after `max_attempts` failures the message is `failed`.
    pub async fn mail_attempted(
        &self,
        id: uuid::Uuid,
        error: Option<&str>,
        max_attempts: i64,
    ) -> Result<()> {
        match error {
            None => {
                // A one-time secret is not kept once it reached the relay.
                sqlx::query("UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = '', \
                             body = CASE WHEN sensitive <> 0 THEN '' ELSE body END WHERE id = $1")
                    .bind(id.to_string())
                    .bind(now_ms())
                    .execute(self.pool())
                    .await?;
            }
            Some(e) => {
                // Back off: 30 s after the first failure, then 1, 2, 4 … minutes.
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2, \
                     status = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE 'queued' END, \
                     body = CASE WHEN sensitive <> 0 AND attempts + 1 >= $3 THEN '' ELSE body END, \
                     next_attempt_at = $4 + 30000 * (CASE attempts WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 8 ELSE 16 END) \
                     WHERE id = $1",
                )
                .bind(id.to_string())
                .bind(e)
                .bind(max_attempts)
                .bind(now_ms())
                .execute(self.pool())
                .await?;
            }
        }
        Ok(())
    }

    /// Newest first.
    pub async fn list_mail(&self, page: PageRequest) -> Result<(Vec<Mail>, i64)> {
        let q = Query::select()
            .expr(Expr::cust("o.*"))
            .from_as(Alias::new("outbox"), Alias::new("o"))
            .order_by((Alias::new("o"), Alias::new("created_at")), Order::Desc)
            .order_by((Alias::new("o"), Alias::new("id")), Order::Desc)
            .to_owned();
        let page = self.count_and_page(q, Filter::new(), page).await?;
        Ok((
            page.items.iter().map(listed).collect::<Result<Vec<_>>>()?,
            page.total,
        ))
    }
}
