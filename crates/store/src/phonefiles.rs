//! The phone file server's folders (VNT-1, WPL-1): one row per file, by area and path. An
//! archive's files are stored in one transaction (a file at a path already there replaces it; the
//! replaced blobs are returned for removal); deleting is all or nothing. Every change is audited.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::{now_ms, ts, Result, Store, StoreError};
use patchbay_domain::phonefiles::Area;
use sqlx::Row;

/// A file of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneFile {
    pub id: String,
    pub area: Area,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    pub blob_key: String,
    pub modified_at: jiff::Timestamp,
    pub uploaded_by: String,
}

/// A file about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoneFile {
    pub id: String,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    pub blob_key: String,
}

const COLUMNS: &str = "id, area, path, size, sha256, blob_key, modified_at, uploaded_by";

fn from_row(r: &sqlx::any::AnyRow) -> Result<PhoneFile> {
    let area: String = r.try_get("area")?;
    Ok(PhoneFile {
        id: r.try_get("id")?,
        area: Area::parse(&area).ok_or_else(|| StoreError::Corrupt(format!("area {area:?}")))?,
        path: r.try_get("path")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        blob_key: r.try_get("blob_key")?,
        modified_at: ts(r.try_get("modified_at")?),
        uploaded_by: r.try_get("uploaded_by")?,
    })
}

impl Store {
    /// The files of a folder, by path.
    pub async fn phone_files(&self, area: Area) -> Result<Vec<PhoneFile>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM phone_files WHERE area = $1 ORDER BY path"
        ))
        .bind(area.as_str())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The file served at `/<area>/<path>`.
    pub async fn phone_file_at(&self, area: Area, path: &str) -> Result<Option<PhoneFile>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM phone_files WHERE area = $1 AND path = $2"
        ))
        .bind(area.as_str())
        .bind(path)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
    }

    /// The files `ids` of a folder, in the order asked (an unknown id: not found).
    pub async fn phone_files_by_id(&self, area: Area, ids: &[String]) -> Result<Vec<PhoneFile>> {
        let all = self.phone_files(area).await?;
        ids.iter()
            .map(|id| {
                all.iter()
                    .find(|f| &f.id == id)
                    .cloned()
                    .ok_or(StoreError::NotFound)
            })
            .collect()
    }

    /// Store an archive's files in one transaction, each replacing the file at its path;
    /// returns the replaced files' blobs. `archive` names the upload in the audit log.
    pub async fn put_phone_files(
        &self,
        meta: &AuditMeta,
        area: Area,
        archive: &str,
        files: &[NewPhoneFile],
    ) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        self.serialize_on(&mut tx, &format!("phone_files:{}", area.as_str()))
            .await?;
        let mut replaced = Vec::new();
        let now = now_ms();
        for f in files {
            let old: Option<String> = sqlx::query(
                "DELETE FROM phone_files WHERE area = $1 AND path = $2 RETURNING blob_key",
            )
            .bind(area.as_str())
            .bind(f.path.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("blob_key"))
            .transpose()?;
            replaced.extend(old);
            sqlx::query(
                "INSERT INTO phone_files (id, area, path, size, sha256, blob_key, modified_at, uploaded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(f.id.as_str())
            .bind(area.as_str())
            .bind(f.path.as_str())
            .bind(f.size)
            .bind(f.sha256.as_str())
            .bind(f.blob_key.as_str())
            .bind(now)
            .bind(meta.actor_login.as_str())
            .execute(&mut *tx)
            .await?;
        }
        let entry = AuditEntry::success(
            "phoneFiles.upload",
            "phoneFiles",
            area.as_str(),
            format!("{archive} ({} files)", files.len()),
        );
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(replaced)
    }

    /// Delete files of a folder, all or nothing; returns their blobs.
    pub async fn delete_phone_files(
        &self,
        meta: &AuditMeta,
        area: Area,
        ids: &[String],
    ) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        let mut blobs = Vec::with_capacity(ids.len());
        for id in ids {
            let row = sqlx::query(
                "DELETE FROM phone_files WHERE id = $1 AND area = $2 RETURNING path, blob_key",
            )
            .bind(id.as_str())
            .bind(area.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            let path: String = row.try_get("path")?;
            blobs.push(row.try_get("blob_key")?);
            let entry = AuditEntry::success("phoneFiles.delete", "phoneFile", id, &path);
            write(&mut tx, meta, entry).await?;
        }
        tx.commit().await?;
        Ok(blobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> NewPhoneFile {
        let id = uuid::Uuid::now_v7().to_string();
        NewPhoneFile {
            blob_key: format!("phonefiles/vantage/{id}"),
            id,
            path: path.into(),
            size: 3,
            sha256: "ab".into(),
        }
    }

    #[tokio::test]
    async fn vnt_1_an_archive_replaces_by_path_and_deletes_all_or_nothing() {
        let store = crate::testing::store().await;
        let meta = AuditMeta::cli();
        let first = [file("fw/a.bin"), file("apps/dialer.apk")];
        let gone = store
            .put_phone_files(&meta, Area::Vantage, "one.zip", &first)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(gone.is_empty());
        let again = [file("fw/a.bin")];
        let gone = store
            .put_phone_files(&meta, Area::Vantage, "two.zip", &again)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gone, [first[0].blob_key.clone()]);
        let all = store.phone_files(Area::Vantage).await.unwrap_or_default();
        let paths: Vec<&str> = all.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["apps/dialer.apk", "fw/a.bin"]);
        assert!(store
            .phone_files(Area::Workplace)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty());
        let at = store
            .phone_file_at(Area::Vantage, "fw/a.bin")
            .await
            .unwrap_or_default();
        assert_eq!(at.map(|f| f.id), Some(again[0].id.clone()));
        // One unknown id: nothing deleted.
        let ids = [again[0].id.clone(), "nope".to_string()];
        assert!(matches!(
            store.delete_phone_files(&meta, Area::Vantage, &ids).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            store
                .phone_files(Area::Vantage)
                .await
                .unwrap_or_default()
                .len(),
            2
        );
        // Another area's id: not found there.
        assert!(matches!(
            store
                .delete_phone_files(&meta, Area::Workplace, &ids[..1])
                .await,
            Err(StoreError::NotFound)
        ));
        let gone = store
            .delete_phone_files(&meta, Area::Vantage, &ids[..1])
            .await
            .unwrap_or_default();
        assert_eq!(gone, [again[0].blob_key.clone()]);
    }

    #[tokio::test]
    async fn vnt_1_parallel_uploads_of_one_path_each_replace_the_last() {
        let store = crate::testing::store().await;
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .put_phone_files(
                        &AuditMeta::cli(),
                        Area::Workplace,
                        "x.zip",
                        &[file("appcast.xml")],
                    )
                    .await
            }));
        }
        let mut replaced = 0;
        for t in tasks {
            match t.await {
                Ok(Ok(gone)) => replaced += gone.len(),
                other => panic!("an upload failed: {other:?}"),
            }
        }
        assert_eq!(replaced, 7);
        let left = store
            .phone_files(Area::Workplace)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(left.len(), 1);
    }
}
