//! OPR-3 login attempts, atomic under concurrency and across hub nodes.
//!
//! An attempt to prove a password (console login, password change) is first *admitted*: one
//! transaction locks the login's guard row (PostgreSQL: the upsert's row lock, held to commit, so
//! nodes sharing the database queue on it; SQLite: `BEGIN IMMEDIATE` serialises every writer),
//! reads the login's recent attempts, asks [`patchbay_domain::lockout`] whether the login is
//! blocked, and if not records the new attempt as *pending*. A pending attempt counts as a failure
//! until its check succeeds and removes it, so N parallel guesses get at most
//! [`lockout::MAX_FAILURES`] password checks, and a crash mid-check leaves a failure, never a
//! free attempt.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::{now_ms, ts, Result, Store};
use patchbay_domain::account::login_key;
use patchbay_domain::lockout;
use sqlx::Row;

/// An admitted attempt: finish it with [`Store::login_attempt_failed`] or
/// [`Store::login_attempt_succeeded`] (or [`Store::open_session`] for a console login).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    pub(crate) id: String,
    pub(crate) key: String,
}

/// Whether an attempt may check a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Admitted(LoginAttempt),
    /// OPR-3: blocked until then, even with the right password; nothing was recorded.
    Blocked {
        until: jiff::Timestamp,
    },
}

impl Store {
    /// Admit one attempt on `login` (see the module documentation). Blocked attempts are not
    /// recorded (they are refused unseen, so they do not prolong the block).
    #[tracing::instrument(skip_all)]
    pub async fn admit_login_attempt(&self, login: &str) -> Result<Admission> {
        let key = login_key(login);
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO login_guards (login_key, touched_at) VALUES ($1, $2) \
             ON CONFLICT (login_key) DO UPDATE SET touched_at = excluded.touched_at",
        )
        .bind(key.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        // Read the clock only once the guard is held: attempts admitted while this one waited
        // are in the past, not the future.
        let now = now_ms();
        let since = now - lockout::lookback().as_millis() as i64;
        let rows = sqlx::query("SELECT at FROM login_attempts WHERE login_key = $1 AND at >= $2")
            .bind(key.as_str())
            .bind(since)
            .fetch_all(&mut *tx)
            .await?;
        // Another node's clock may run ahead: its attempts count as made now.
        let recent = rows
            .iter()
            .map(|r| Ok(ts(r.try_get::<i64, _>("at")?.min(now))))
            .collect::<Result<Vec<_>>>()?;
        if let Some(until) = lockout::blocked_until(&recent, ts(now)) {
            tx.commit().await?;
            return Ok(Admission::Blocked { until });
        }
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO login_attempts (id, login_key, at, pending) VALUES ($1, $2, $3, 1)",
        )
        .bind(id.as_str())
        .bind(key.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Admission::Admitted(LoginAttempt { id, key }))
    }

    /// The attempt's check failed: it stays a failure (no longer pending), audited with `reason`
    /// in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn login_attempt_failed(
        &self,
        meta: &AuditMeta,
        attempt: &LoginAttempt,
        action: &str,
        target_name: &str,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        // Upsert: the row may have been purged meanwhile.
        sqlx::query(
            "INSERT INTO login_attempts (id, login_key, at, pending) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (id) DO UPDATE SET pending = 0",
        )
        .bind(attempt.id.as_str())
        .bind(attempt.key.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        write(
            &mut tx,
            meta,
            AuditEntry {
                action,
                target_type: "account",
                target_name: target_name.to_string(),
                outcome: "failure",
                detail: reason.to_string(),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The attempt's check succeeded: it no longer counts (earlier failures still do).
    #[tracing::instrument(skip_all)]
    pub async fn login_attempt_succeeded(&self, attempt: &LoginAttempt) -> Result<()> {
        sqlx::query("DELETE FROM login_attempts WHERE id = $1")
            .bind(attempt.id.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forget attempts and guards too old to matter to the rule (hourly housekeeping).
    #[tracing::instrument(skip_all)]
    pub async fn purge_login_attempts(&self) -> Result<u64> {
        let before = now_ms() - lockout::lookback().as_millis() as i64;
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM login_guards WHERE touched_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> AuditMeta {
        AuditMeta::cli()
    }

    #[tokio::test]
    async fn opr_3_pending_attempts_count_as_failures() {
        let s = crate::testing::store().await;
        let mut admitted = Vec::new();
        for _ in 0..lockout::MAX_FAILURES {
            match s.admit_login_attempt("Pat").await {
                Ok(Admission::Admitted(a)) => admitted.push(a),
                other => panic!("{other:?}"),
            }
        }
        // Three checks in flight: a fourth is refused before any of them finished.
        assert!(matches!(
            s.admit_login_attempt("pat").await,
            Ok(Admission::Blocked { .. })
        ));
        // One of them was right: it no longer counts, so one more attempt is admitted (the
        // failures before it still count).
        s.login_attempt_succeeded(&admitted[0])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let Ok(Admission::Admitted(next)) = s.admit_login_attempt("PAT").await else {
            panic!("admitted after a success");
        };
        for a in admitted.iter().skip(1).chain([&next]) {
            s.login_attempt_failed(&meta(), a, "login", "pat", "invalid credentials")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(matches!(
            s.admit_login_attempt("pat").await,
            Ok(Admission::Blocked { .. })
        ));
        // Another login is not affected.
        assert!(matches!(
            s.admit_login_attempt("other").await,
            Ok(Admission::Admitted(_))
        ));
    }

    #[tokio::test]
    async fn opr_3_purge_keeps_recent_attempts() {
        let s = crate::testing::store().await;
        for _ in 0..lockout::MAX_FAILURES {
            s.admit_login_attempt("kim")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(s.purge_login_attempts().await.ok(), Some(0));
        assert!(matches!(
            s.admit_login_attempt("kim").await,
            Ok(Admission::Blocked { .. })
        ));
    }
}
