//! CRT-1, CRT-2: the hub's identity certificate (one row every node reads, its private key sealed
//! with the deployment's secret key) and the trusted certificates.

use crate::audit::{write, AuditEntry};
use crate::{now_ms, ts, AuditMeta, Result, Store};
use sqlx::any::AnyRow;
use sqlx::Row;

const IDENTITY: &str = "identity";
const TRUSTED: &str = "trusted";
const ISSUING_CA: &str = "issuing-ca";

/// What the hub keeps of a certificate: its description and its PEM chain (leaf first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCertificate {
    pub id: String,
    /// SHA-256 of the leaf's DER, lower-case hex.
    pub fingerprint: String,
    pub subject: String,
    pub issuer: String,
    pub not_before: jiff::Timestamp,
    pub not_after: jiff::Timestamp,
    pub chain_pem: String,
    pub created_at: jiff::Timestamp,
}

/// A certificate to keep, described by the caller (which parsed it).
#[derive(Debug, Clone)]
pub struct NewCertificate<'a> {
    pub fingerprint: &'a str,
    pub subject: &'a str,
    pub issuer: &'a str,
    /// Milliseconds since the epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub chain_pem: &'a str,
}

const COLUMNS: &str =
    "id, fingerprint, subject, issuer, not_before, not_after, chain_pem, created_at";

fn certificate(r: &AnyRow) -> Result<StoredCertificate> {
    Ok(StoredCertificate {
        id: r.try_get("id")?,
        fingerprint: r.try_get("fingerprint")?,
        subject: r.try_get("subject")?,
        issuer: r.try_get("issuer")?,
        not_before: ts(r.try_get("not_before")?),
        not_after: ts(r.try_get("not_after")?),
        chain_pem: r.try_get("chain_pem")?,
        created_at: ts(r.try_get("created_at")?),
    })
}

fn insert<'q>(
    kind: &'q str,
    id: &'q str,
    c: &'q NewCertificate<'q>,
    key_sealed: Option<&'q str>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(
        "INSERT INTO certificates (id, kind, fingerprint, subject, issuer, not_before, not_after, \
         chain_pem, key_sealed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(kind)
    .bind(c.fingerprint)
    .bind(c.subject)
    .bind(c.issuer)
    .bind(c.not_before)
    .bind(c.not_after)
    .bind(c.chain_pem)
    .bind(key_sealed)
    .bind(now_ms())
}

/// The audit entry of a certificate change.
/// The certificate of `kind` (one per deployment) becomes `c`, inside `tx`.
async fn replace_keyed(
    tx: &mut crate::Tx,
    kind: &str,
    c: &NewCertificate<'_>,
    key_sealed: &str,
) -> Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query("DELETE FROM certificates WHERE kind = $1")
        .bind(kind)
        .execute(&mut **tx)
        .await?;
    insert(kind, &id, c, Some(key_sealed))
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

fn audited<'a>(action: &'a str, fingerprint: &str, subject: &str) -> AuditEntry<'a> {
    AuditEntry {
        action,
        target_type: "certificate",
        target_id: fingerprint.to_string(),
        target_name: subject.to_string(),
        outcome: "success",
        detail: String::new(),
    }
}

impl Store {
    /// The identity every node serves, with its sealed key.
    #[tracing::instrument(skip_all)]
    pub async fn identity_certificate(&self) -> Result<Option<(StoredCertificate, String)>> {
        self.keyed_certificate(IDENTITY).await
    }

    /// SYS-8: the issuing CA that signs the systems' certificates, with its sealed key.
    #[tracing::instrument(skip_all)]
    pub async fn issuing_ca_certificate(&self) -> Result<Option<(StoredCertificate, String)>> {
        self.keyed_certificate(ISSUING_CA).await
    }

    async fn keyed_certificate(&self, kind: &str) -> Result<Option<(StoredCertificate, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, key_sealed FROM certificates WHERE kind = $1"
        ))
        .bind(kind)
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Ok(None),
            Some(r) => {
                let key: Option<String> = r.try_get("key_sealed")?;
                Ok(Some((certificate(&r)?, key.unwrap_or_default())))
            }
        }
    }

    /// The identity's id alone: nodes compare it with the one they serve (a replaced identity is
    /// a new row, so a new id).
    #[tracing::instrument(skip_all)]
    pub async fn identity_certificate_id(&self) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM certificates WHERE kind = $1")
                .bind(IDENTITY)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Keep `c` as the identity unless there already is one (the first node to start gives the
    /// deployment its identity; the others adopt it). True when `c` was kept.
    #[tracing::instrument(skip_all)]
    pub async fn adopt_identity_certificate(
        &self,
        c: &NewCertificate<'_>,
        key_sealed: &str,
    ) -> Result<bool> {
        self.adopt_keyed(IDENTITY, c, key_sealed).await
    }

    /// SYS-8: keep `c` as the issuing CA unless there already is one (nodes issuing at once
    /// agree on the first). True when `c` was kept.
    #[tracing::instrument(skip_all)]
    pub async fn adopt_issuing_ca_certificate(
        &self,
        c: &NewCertificate<'_>,
        key_sealed: &str,
    ) -> Result<bool> {
        self.adopt_keyed(ISSUING_CA, c, key_sealed).await
    }

    async fn adopt_keyed(
        &self,
        kind: &str,
        c: &NewCertificate<'_>,
        key_sealed: &str,
    ) -> Result<bool> {
        let id = uuid::Uuid::new_v4().to_string();
        let mut tx = self.begin().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT id FROM certificates WHERE kind = $1")
                .bind(kind)
                .fetch_optional(&mut *tx)
                .await?;
        if existing.is_some() {
            return Ok(false);
        }
        // Two nodes at once: the unique index keeps one row, the other is told.
        match insert(kind, &id, c, Some(key_sealed))
            .execute(&mut *tx)
            .await
        {
            Ok(_) => {}
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Replace the identity (CRT-1: regenerated or added), audited, in one transaction.
    #[tracing::instrument(skip_all)]
    pub async fn replace_identity_certificate(
        &self,
        meta: &AuditMeta,
        c: &NewCertificate<'_>,
        key_sealed: &str,
        how: &str,
    ) -> Result<String> {
        let mut tx = self.begin().await?;
        let id = replace_keyed(&mut tx, IDENTITY, c, key_sealed).await?;
        write(&mut tx, meta, audited(how, c.fingerprint, c.subject)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// SYS-8: replace the issuing CA with an uploaded one, audited, and mark every system
    /// certificate it did not sign as superseded (to be issued again), in one transaction.
    #[tracing::instrument(skip_all)]
    pub async fn replace_issuing_ca_certificate(
        &self,
        meta: &AuditMeta,
        c: &NewCertificate<'_>,
        key_sealed: &str,
    ) -> Result<String> {
        let mut tx = self.begin().await?;
        let id = replace_keyed(&mut tx, ISSUING_CA, c, key_sealed).await?;
        sqlx::query("UPDATE system_certificates SET superseded_at = $1 WHERE serial <> ''")
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        write(
            &mut tx,
            meta,
            audited("certificate.issuing-ca", c.fingerprint, c.subject),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// CRT-2: the trusted certificates, by subject.
    #[tracing::instrument(skip_all)]
    pub async fn trusted_certificates(&self) -> Result<Vec<StoredCertificate>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM certificates WHERE kind = $1 ORDER BY subject, not_after, id"
        ))
        .bind(TRUSTED)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(certificate)
        .collect()
    }

    /// CRT-2: trust more certificates (a file may hold several), all or none; one already
    /// trusted is [`crate::Taken`].
    #[tracing::instrument(skip_all)]
    pub async fn add_trusted_certificates(
        &self,
        meta: &AuditMeta,
        certs: &[NewCertificate<'_>],
    ) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(certs.len());
        for c in certs {
            let id = uuid::Uuid::new_v4().to_string();
            insert(TRUSTED, &id, c, None)
                .execute(&mut *tx)
                .await
                .map_err(crate::unique_as(crate::Taken::TrustedCertificate))?;
            write(
                &mut tx,
                meta,
                audited("certificate.trust", c.fingerprint, c.subject),
            )
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// CRT-2: stop trusting these certificates; how many were removed.
    #[tracing::instrument(skip_all)]
    pub async fn delete_trusted_certificates(
        &self,
        meta: &AuditMeta,
        ids: &[String],
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let mut n = 0;
        for id in ids {
            let row = sqlx::query(
                "DELETE FROM certificates WHERE kind = $1 AND id = $2 RETURNING fingerprint, subject",
            )
            .bind(TRUSTED)
            .bind(id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let Some(r) = row else { continue };
            n += 1;
            write(
                &mut tx,
                meta,
                audited(
                    "certificate.untrust",
                    &r.try_get::<String, _>("fingerprint")?,
                    &r.try_get::<String, _>("subject")?,
                ),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert<'a>(fp: &'a str, subject: &'a str) -> NewCertificate<'a> {
        NewCertificate {
            fingerprint: fp,
            subject,
            issuer: "CN=Root",
            not_before: 1_000,
            not_after: 2_000,
            chain_pem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        }
    }

    #[tokio::test]
    async fn crt_1_the_first_identity_is_adopted_and_a_replacement_gets_a_new_id() {
        let s = crate::testing::store().await;
        assert!(s.identity_certificate().await.ok().flatten().is_none());
        assert_eq!(
            s.adopt_identity_certificate(&cert("aa", "CN=one"), "k1")
                .await
                .ok(),
            Some(true)
        );
        // A second node starting on the same database adopts the first one's identity.
        assert_eq!(
            s.adopt_identity_certificate(&cert("bb", "CN=two"), "k2")
                .await
                .ok(),
            Some(false)
        );
        let (first, key) = s
            .identity_certificate()
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("identity"));
        assert_eq!((first.subject.as_str(), key.as_str()), ("CN=one", "k1"));
        let id = s
            .replace_identity_certificate(
                &AuditMeta::cli(),
                &cert("cc", "CN=three"),
                "k3",
                "certificate.regenerate",
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(id, first.id);
        assert_eq!(s.identity_certificate_id().await.ok().flatten(), Some(id));
        let (now, _) = s
            .identity_certificate()
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("identity"));
        assert_eq!(now.subject, "CN=three");
        assert_eq!(now.not_after.as_millisecond(), 2_000);
    }

    #[tokio::test]
    async fn crt_2_a_certificate_is_trusted_once_and_deleted_by_id() {
        let s = crate::testing::store().await;
        let m = AuditMeta::cli();
        let ids = s
            .add_trusted_certificates(&m, &[cert("f2", "CN=b"), cert("f1", "CN=a")])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (b, a) = (ids[0].clone(), ids[1].clone());
        // All or none: a file with a new certificate and one already trusted adds neither.
        assert!(matches!(
            s.add_trusted_certificates(&m, &[cert("f3", "CN=c"), cert("f1", "CN=a")])
                .await,
            Err(crate::StoreError::Taken(crate::Taken::TrustedCertificate))
        ));
        // The identity's fingerprint does not collide with a trusted one.
        assert_eq!(
            s.adopt_identity_certificate(&cert("f1", "CN=a"), "k")
                .await
                .ok(),
            Some(true)
        );
        let subjects: Vec<String> = s
            .trusted_certificates()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.subject)
            .collect();
        assert_eq!(subjects, ["CN=a", "CN=b"]);
        let n = s
            .delete_trusted_certificates(&m, &[a, "nope".into(), b.clone(), b])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n, 2);
        assert!(s
            .trusted_certificates()
            .await
            .unwrap_or_default()
            .is_empty());
        assert!(s.identity_certificate().await.ok().flatten().is_some());
    }
}
