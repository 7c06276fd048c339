//! WGO-4: bulk imports of mobile lines. An import is claimed by one hub node at a time (a guarded
//! UPDATE; a node silent for a while loses it to another), and each row's outcome is a row of
//! `mobile_import_rows`: a line's outcome is written in the transaction that made the line, a
//! refused row's on its own. Where an interrupted import goes on is where its outcomes stop, so
//! no row is applied twice.

use crate::{now_ms, ts, AuditMeta, Result, Store, StoreError};
use patchbay_domain::mobile_bulk::{ImportStatus, RowReason};
use patchbay_domain::{AccountId, CustomerId, DeviceId, MobileImportId};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A file to work through, as uploaded.
#[derive(Debug, Clone)]
pub struct NewImport {
    pub id: MobileImportId,
    pub file_name: String,
    pub blob_key: String,
    pub total_rows: i64,
    pub email_codes: bool,
    /// The language of the activation mails.
    pub lang: String,
}

/// An import and how far it got.
#[derive(Debug, Clone)]
pub struct MobileImport {
    pub id: MobileImportId,
    pub customer_id: CustomerId,
    pub file_name: String,
    pub blob_key: String,
    pub total_rows: i64,
    pub email_codes: bool,
    pub lang: String,
    pub status: ImportStatus,
    pub error: String,
    /// Who uploaded it: the lines it makes are theirs in the audit log.
    pub actor: AuditMeta,
    pub created_at: jiff::Timestamp,
    pub finished_at: Option<jiff::Timestamp>,
    /// Rows with an outcome, and of those the lines made.
    pub done_rows: i64,
    pub ok_rows: i64,
}

impl MobileImport {
    pub fn failed_rows(&self) -> i64 {
        self.done_rows - self.ok_rows
    }
}

/// One row's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    pub row_no: i64,
    pub user_name: String,
    pub ok: bool,
    pub reasons: Vec<RowReason>,
    pub device_id: Option<DeviceId>,
    pub code_sealed: Option<String>,
}

/// The outcome of a row that made a line, written in the line's transaction.
#[derive(Debug, Clone)]
pub struct ImportRowRef {
    pub import: MobileImportId,
    pub row_no: i64,
    pub user_name: String,
    /// The activation code, sealed, when it was not e-mailed (for the result file).
    pub code_sealed: Option<String>,
}

const COLUMNS: &str = "i.id, i.customer_id, i.file_name, i.blob_key, i.total_rows, i.email_codes, \
    i.lang, i.status, i.error, i.actor_id, i.actor_login, i.actor_source, i.created_at, i.finished_at, \
    (SELECT COUNT(*) FROM mobile_import_rows r WHERE r.import_id = i.id) AS done_rows, \
    (SELECT COUNT(*) FROM mobile_import_rows r WHERE r.import_id = i.id AND r.ok = 1) AS ok_rows";

fn from_row(r: &AnyRow) -> Result<MobileImport> {
    let uuid = |c: &str| -> Result<uuid::Uuid> { super::parse_uuid(&r.try_get::<String, _>(c)?) };
    let status: String = r.try_get("status")?;
    Ok(MobileImport {
        id: MobileImportId(uuid("id")?),
        customer_id: CustomerId(uuid("customer_id")?),
        file_name: r.try_get("file_name")?,
        blob_key: r.try_get("blob_key")?,
        total_rows: r.try_get("total_rows")?,
        email_codes: r.try_get::<i64, _>("email_codes")? != 0,
        lang: r.try_get("lang")?,
        status: ImportStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("import status {status:?}")))?,
        error: r.try_get("error")?,
        actor: AuditMeta {
            actor_id: super::opt_uuid(r, "actor_id")?.map(AccountId),
            actor_login: r.try_get("actor_login")?,
            source: r.try_get("actor_source")?,
        },
        created_at: ts(r.try_get("created_at")?),
        finished_at: r.try_get::<Option<i64>, _>("finished_at")?.map(ts),
        done_rows: r.try_get("done_rows")?,
        ok_rows: r.try_get("ok_rows")?,
    })
}

/// A successful row's outcome, in the transaction that made its line.
pub(crate) async fn insert_success(
    tx: &mut super::Tx,
    row: &ImportRowRef,
    device: DeviceId,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mobile_import_rows (import_id, row_no, user_name, ok, reasons, device_id, code_sealed) \
         VALUES ($1, $2, $3, 1, '[]', $4, $5)",
    )
    .bind(row.import.to_string())
    .bind(row.row_no)
    .bind(row.user_name.as_str())
    .bind(device.to_string())
    .bind(row.code_sealed.clone())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as(crate::Taken::ImportRow))?;
    Ok(())
}

/// Refused rows' outcomes, in `tx` (a row already recorded stays as it is).
pub(crate) async fn insert_failures(
    tx: &mut super::Tx,
    id: MobileImportId,
    rows: &[(i64, String, Vec<RowReason>)],
) -> Result<()> {
    for (row_no, user, reasons) in rows {
        let reasons =
            serde_json::to_string(reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO mobile_import_rows (import_id, row_no, user_name, ok, reasons) \
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT (import_id, row_no) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(*row_no)
        .bind(user.as_str())
        .bind(reasons)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

impl Store {
    /// WGO-4: queue an import of `customer` (its file already in the blob store).
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_mobile_import(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        new: &NewImport,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO mobile_imports (id, customer_id, file_name, blob_key, total_rows, email_codes, lang, \
             status, actor_id, actor_login, actor_source, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(new.id.to_string())
        .bind(customer.to_string())
        .bind(new.file_name.as_str())
        .bind(new.blob_key.as_str())
        .bind(new.total_rows)
        .bind(i64::from(new.email_codes))
        .bind(new.lang.as_str())
        .bind(ImportStatus::Queued.as_str())
        .bind(meta.actor_id.map(|a| a.to_string()))
        .bind(meta.actor_login.as_str())
        .bind(meta.source.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        super::audit(
            &mut tx,
            meta,
            "mobile-import.create",
            "customer",
            customer.to_string(),
            new.file_name.clone(),
            format!("rows={} emailCodes={}", new.total_rows, new.email_codes),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Take the oldest import waiting — or one whose node has been silent since `stale_before`
    /// — for node `node`: one guarded UPDATE, so of two nodes one gets it.
    #[tracing::instrument(skip_all, fields(node))]
    pub async fn claim_mobile_import(
        &self,
        node: &str,
        stale_before: i64,
    ) -> Result<Option<MobileImport>> {
        let row = sqlx::query(
            "UPDATE mobile_imports SET status = $1, claimed_by = $2, claimed_at = $3 \
             WHERE id = (SELECT id FROM mobile_imports \
                 WHERE status = $4 OR (status = $1 AND claimed_at < $5) ORDER BY created_at LIMIT 1) \
             AND (status = $4 OR (status = $1 AND claimed_at < $5)) RETURNING id",
        )
        .bind(ImportStatus::Running.as_str())
        .bind(node)
        .bind(now_ms())
        .bind(ImportStatus::Queued.as_str())
        .bind(stale_before)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let id = MobileImportId(super::parse_uuid(&row.try_get::<String, _>("id")?)?);
        Ok(Some(self.mobile_import(None, id).await?))
    }

    /// The node still holds the import: its claim is renewed. `false`: another node took it
    /// over (this one stops).
    pub async fn renew_mobile_import(&self, id: MobileImportId, node: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE mobile_imports SET claimed_at = $1 WHERE id = $2 AND claimed_by = $3 AND status = $4",
        )
        .bind(now_ms())
        .bind(id.to_string())
        .bind(node)
        .bind(ImportStatus::Running.as_str())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The number of the last row with an outcome (0: none yet): where the import goes on.
    pub async fn mobile_import_progress(&self, id: MobileImportId) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(row_no), 0) AS n FROM mobile_import_rows WHERE import_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// The outcomes of refused rows, in one transaction (a row already recorded stays as it is).
    #[tracing::instrument(skip_all, fields(%id, n = rows.len()))]
    pub async fn record_import_failures(
        &self,
        id: MobileImportId,
        rows: &[(i64, String, Vec<RowReason>)],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        insert_failures(&mut tx, id, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The import is over (done, or failed with `error`): if `node` still holds it.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn finish_mobile_import(
        &self,
        id: MobileImportId,
        node: &str,
        status: ImportStatus,
        error: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE mobile_imports SET status = $1, error = $2, finished_at = $3 \
             WHERE id = $4 AND claimed_by = $5 AND status = $6",
        )
        .bind(status.as_str())
        .bind(error)
        .bind(now_ms())
        .bind(id.to_string())
        .bind(node)
        .bind(ImportStatus::Running.as_str())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM mobile_imports i WHERE i.id = $1"
        ))
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let import = from_row(&row)?;
        super::audit(
            &mut tx,
            &import.actor,
            "mobile-import.finish",
            "customer",
            import.customer_id.to_string(),
            import.file_name.clone(),
            format!(
                "status={} rows={} lines={} refused={}",
                status.as_str(),
                import.done_rows,
                import.ok_rows,
                import.failed_rows()
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// An import (of `customer` when given; another customer's is not found).
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn mobile_import(
        &self,
        customer: Option<CustomerId>,
        id: MobileImportId,
    ) -> Result<MobileImport> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM mobile_imports i WHERE i.id = $1 AND ($2 = '' OR i.customer_id = $2)"
        ))
        .bind(id.to_string())
        .bind(customer.map(|c| c.to_string()).unwrap_or_default())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// The customer's latest imports, newest first.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn mobile_imports(
        &self,
        customer: CustomerId,
        limit: i64,
    ) -> Result<Vec<MobileImport>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM mobile_imports i WHERE i.customer_id = $1 \
             ORDER BY i.created_at DESC, i.id DESC LIMIT $2"
        ))
        .bind(customer.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Up to `limit` outcomes after row `after`, in row order (refused ones only when
    /// `refused_only`).
    #[tracing::instrument(skip_all, fields(%id, after))]
    pub async fn mobile_import_rows(
        &self,
        id: MobileImportId,
        after: i64,
        limit: i64,
        refused_only: bool,
    ) -> Result<Vec<ImportRow>> {
        let rows = sqlx::query(
            "SELECT row_no, user_name, ok, reasons, device_id, code_sealed FROM mobile_import_rows \
             WHERE import_id = $1 AND row_no > $2 AND ($3 = 0 OR ok = 0) ORDER BY row_no LIMIT $4",
        )
        .bind(id.to_string())
        .bind(after)
        .bind(i64::from(refused_only))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ImportRow {
                    row_no: r.try_get("row_no")?,
                    user_name: r.try_get("user_name")?,
                    ok: r.try_get::<i64, _>("ok")? != 0,
                    reasons: serde_json::from_str(&r.try_get::<String, _>("reasons")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    device_id: super::opt_uuid(r, "device_id")?.map(DeviceId),
                    code_sealed: r.try_get("code_sealed")?,
                })
            })
            .collect()
    }

    /// Forget imports finished before `before` (ms), with their outcomes and the codes sealed in
    /// them: a code is worth nothing once it has expired. Returns how many went.
    #[tracing::instrument(skip_all)]
    pub async fn purge_mobile_imports(&self, before: i64) -> Result<u64> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "DELETE FROM mobile_import_rows WHERE import_id IN \
             (SELECT id FROM mobile_imports WHERE finished_at IS NOT NULL AND finished_at < $1)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "DELETE FROM mobile_imports WHERE finished_at IS NOT NULL AND finished_at < $1",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
