//! One-time transfer tokens: how an agent PUTs a backup or log file to the hub, or GETs a backup
//! to restore, over HTTPS. Only the token's hash is stored; [`Store::take_transfer`] marks it used
//! in the statement that finds it, so a token works exactly once.

use crate::crypto::{random_token, token_hash};
use crate::{now_ms, Result, Store, StoreError};
use patchbay_domain::SystemId;
use sqlx::Row;

/// Which way the file goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Agent to hub (a backup, a log file).
    Upload,
    /// Hub to agent (a backup to restore).
    Download,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Upload => "upload",
            Direction::Download => "download",
        }
    }
}

/// A transfer that was just taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub system: SystemId,
    pub blob_key: String,
    /// Identifies the transfer for [`Store::transfer_uploaded`] (the token's hash).
    pub handle: String,
}

impl Store {
    /// A new one-time token for `system` to move the blob `blob_key`, valid for `ttl`.
    pub async fn new_transfer(
        &self,
        direction: Direction,
        system: SystemId,
        blob_key: &str,
        ttl: std::time::Duration,
    ) -> Result<String> {
        let token = random_token();
        let ttl_ms = i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        sqlx::query(
            "INSERT INTO transfers (token_hash, direction, system_id, blob_key, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash(&token))
        .bind(direction.as_str())
        .bind(system.to_string())
        .bind(blob_key)
        .bind(now_ms().saturating_add(ttl_ms))
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    /// The transfer `token` opens, marked used in the same statement; `None` when it is unknown,
    /// for the other direction, expired or already used (the caller says 404 in every case).
    pub async fn take_transfer(&self, token: &str, direction: Direction) -> Result<Option<Taken>> {
        let now = now_ms();
        let hash = token_hash(token);
        let row = sqlx::query(
            "UPDATE transfers SET used_at = $1 WHERE token_hash = $2 AND direction = $3 \
             AND used_at IS NULL AND expires_at > $1 RETURNING system_id, blob_key",
        )
        .bind(now)
        .bind(hash.as_str())
        .bind(direction.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            let system: String = r.try_get("system_id")?;
            Ok(Taken {
                system: system
                    .parse()
                    .map_err(|_| StoreError::Corrupt("transfers.system_id".into()))?,
                blob_key: r.try_get("blob_key")?,
                handle: hash.clone(),
            })
        })
        .transpose()
    }

    /// Record what an upload brought (its size and SHA-256, as the hub computed them).
    pub async fn transfer_uploaded(&self, handle: &str, size: u64, sha256: &str) -> Result<()> {
        sqlx::query("UPDATE transfers SET size = $2, sha256 = $3 WHERE token_hash = $1")
            .bind(handle)
            .bind(i64::try_from(size).unwrap_or(i64::MAX))
            .bind(sha256)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forget transfers that expired before `before` (their results are long recorded).
    pub async fn prune_transfers(&self, before: jiff::Timestamp) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM transfers WHERE expires_at < $1")
            .bind(before.as_millisecond())
            .execute(self.pool())
            .await?
            .rows_affected())
    }

    /// What the upload to `blob_key` brought, once it completed: `(size, sha256)`.
    pub async fn uploaded(&self, blob_key: &str) -> Result<Option<(u64, String)>> {
        let row = sqlx::query(
            "SELECT size, sha256 FROM transfers WHERE blob_key = $1 AND direction = $2 \
             AND sha256 IS NOT NULL ORDER BY used_at DESC LIMIT 1",
        )
        .bind(blob_key)
        .bind(Direction::Upload.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.and_then(|r| {
            let size = r.try_get::<Option<i64>, _>("size").ok().flatten()?;
            let sha = r.try_get::<Option<String>, _>("sha256").ok().flatten()?;
            Some((u64::try_from(size).unwrap_or(0), sha))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alarms::tests::customer;
    use std::time::Duration;

    #[tokio::test]
    async fn bkp_2_a_transfer_token_works_once_even_when_raced() {
        let s = crate::testing::store().await;
        let c = customer(&s, "acme").await;
        let (sys, _) = s
            .system_connected(c, "ipo", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = s
            .new_transfer(
                Direction::Upload,
                sys,
                "backups/x.tar.gz",
                Duration::from_secs(600),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // The wrong direction opens nothing and does not spend it.
        assert_eq!(
            s.take_transfer(&token, Direction::Download).await.ok(),
            Some(None)
        );
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = s.clone();
            let t = token.clone();
            tasks.push(tokio::spawn(async move {
                s.take_transfer(&t, Direction::Upload).await
            }));
        }
        let mut winners = 0;
        for t in tasks {
            if let Ok(Ok(Some(taken))) = t.await {
                assert_eq!(taken.blob_key, "backups/x.tar.gz");
                assert_eq!(taken.system, sys);
                winners += 1;
            }
        }
        assert_eq!(winners, 1);
        assert_eq!(
            s.take_transfer("not-a-token", Direction::Upload).await.ok(),
            Some(None)
        );
        // An expired token opens nothing.
        let old = s
            .new_transfer(Direction::Download, sys, "backups/y.tar.gz", Duration::ZERO)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.take_transfer(&old, Direction::Download).await.ok(),
            Some(None)
        );
        // Expired transfers are forgotten; the live one stays.
        let live = s
            .new_transfer(
                Direction::Upload,
                sys,
                "backups/z.tar.gz",
                Duration::from_secs(600),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let pruned = s
            .prune_transfers(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pruned, 1, "the expired one only");
        assert!(s
            .take_transfer(&live, Direction::Upload)
            .await
            .ok()
            .flatten()
            .is_some());
    }
}
