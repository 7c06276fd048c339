//! The software repository (SWR-1): releases, and the resumable uploads that become them.
//!
//! An upload's bytes arrive as chunk blobs, one per accepted PATCH; a chunk counts only once the
//! statement that moves the upload's offset from where the PATCH began has run, so PATCHes racing
//! on one upload (a client that retried while its first request still streamed) can neither move
//! the offset backwards nor leave overlapping bytes. Nothing is locked while bytes stream: a PATCH
//! stalled on a half-open socket holds nothing, and a later PATCH from the same offset wins.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::list::{col, select_from, Filter, Page, SortColumns};
use crate::sql::{PageRequest, SortOrder};
use crate::{now_ms, ts, unique_as, Refusal, Result, Store, StoreError, Taken};
use patchbay_domain::repository::{ReleaseMeta, Version, MAX_OPEN_UPLOADS};
use sqlx::Row;

crate::sort_columns! {
    /// SWR-1's sortable columns.
    pub enum ReleaseSort {
        Name => "name" => "LOWER(r.name)",
        Version => "version" => "r.version_key",
        Profile => "profile" => "r.profile",
        Size => "size" => "r.size",
        Uploaded => "uploaded" => "r.uploaded_at",
    }
}

/// A release in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub id: String,
    pub name: String,
    pub version: String,
    pub profile: String,
    /// The phone firmware the release serves once installed (UPG-2); empty when not stated.
    pub phone_firmware: String,
    pub size: i64,
    pub sha256: String,
    pub blob_key: String,
    pub uploaded_at: jiff::Timestamp,
    pub uploaded_by: String,
}

/// What narrows the release list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseFilter {
    pub profile: Option<String>,
    /// Part of the name, version or checksum.
    pub search: Option<String>,
}

/// An unfinished resumable upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub version: String,
    pub profile: String,
    pub phone_firmware: String,
    pub length: i64,
    pub offset: i64,
    pub created_at: jiff::Timestamp,
    pub expires_at: jiff::Timestamp,
}

/// One accepted PATCH's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: i64,
    pub size: i64,
    pub blob_key: String,
    /// SHA-256 of the chunk, computed by the hub as its bytes arrived.
    pub sha256: String,
}

/// A release about to be recorded: the upload's statement and what the hub measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelease<'a> {
    pub id: &'a str,
    pub meta: &'a ReleaseMeta,
    pub phone_firmware: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub blob_key: &'a str,
}

const RELEASE_COLUMNS: &str =
    "r.id, r.name, r.version, r.profile, r.phone_firmware, r.size, r.sha256, r.blob_key, \
     r.uploaded_at, r.uploaded_by";
const UPLOAD_COLUMNS: &str =
    "u.id, u.owner_id, u.name, u.version, u.profile, u.phone_firmware, u.length, u.upload_offset, \
     u.created_at, u.expires_at";

fn release_from_row(r: &sqlx::any::AnyRow) -> Result<Release> {
    Ok(Release {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        version: r.try_get("version")?,
        profile: r.try_get("profile")?,
        phone_firmware: r.try_get("phone_firmware")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        blob_key: r.try_get("blob_key")?,
        uploaded_at: ts(r.try_get("uploaded_at")?),
        uploaded_by: r.try_get("uploaded_by")?,
    })
}

fn upload_from_row(r: &sqlx::any::AnyRow) -> Result<Upload> {
    Ok(Upload {
        id: r.try_get("id")?,
        owner_id: r.try_get("owner_id")?,
        name: r.try_get("name")?,
        version: r.try_get("version")?,
        profile: r.try_get("profile")?,
        phone_firmware: r.try_get("phone_firmware")?,
        length: r.try_get("length")?,
        offset: r.try_get("upload_offset")?,
        created_at: ts(r.try_get("created_at")?),
        expires_at: ts(r.try_get("expires_at")?),
    })
}

impl Store {
    /// Whether a release of that profile and version is in the repository.
    async fn release_exists(&self, meta: &ReleaseMeta) -> Result<bool> {
        Ok(
            sqlx::query("SELECT 1 FROM releases WHERE profile = $1 AND version_key = $2")
                .bind(meta.profile.as_str())
                .bind(meta.version.sort_key())
                .fetch_optional(self.pool())
                .await?
                .is_some(),
        )
    }

    /// Start a resumable upload of `length` bytes for `owner`, idle-expiring after `idle_ms`.
    /// Refused when the release already exists ([`Taken::ReleaseVersion`]) or the owner already
    /// holds [`MAX_OPEN_UPLOADS`] unfinished ones (counted under the owner's row lock, so
    /// parallel creations cannot pass the limit together).
    pub async fn create_upload(
        &self,
        owner: &str,
        meta: &ReleaseMeta,
        phone_firmware: &str,
        length: i64,
        idle_ms: i64,
    ) -> Result<Upload> {
        if self.release_exists(meta).await? {
            return Err(StoreError::Taken(Taken::ReleaseVersion));
        }
        let now = now_ms();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE accounts SET id = id WHERE id = $1")
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "INSERT INTO uploads (id, owner_id, name, version, profile, phone_firmware, length, upload_offset, created_at, expires_at) \
             SELECT $1, $2, $3, $4, $5, $6, $7, 0, $8, $9 \
             WHERE (SELECT COUNT(*) FROM uploads WHERE owner_id = $2) < $10",
        )
        .bind(id.as_str())
        .bind(owner)
        .bind(meta.name.as_str())
        .bind(meta.version.as_str())
        .bind(meta.profile.as_str())
        .bind(phone_firmware)
        .bind(length)
        .bind(now)
        .bind(now + idle_ms)
        .bind(MAX_OPEN_UPLOADS)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Refused(Refusal::TooManyUploads));
        }
        tx.commit().await?;
        self.upload(&id, owner).await
    }

    /// One unfinished upload of `owner` (another account's, an expired or a finished one: not
    /// found).
    pub async fn upload(&self, id: &str, owner: &str) -> Result<Upload> {
        let mut q = select_from(UPLOAD_COLUMNS, ("uploads", "u"), &[]);
        q.and_where(col("u.id").eq(id))
            .and_where(col("u.owner_id").eq(owner))
            .and_where(col("u.expires_at").gt(now_ms()));
        let row = self
            .select_optional(&q)
            .await?
            .ok_or(StoreError::NotFound)?;
        upload_from_row(&row)
    }

    /// The unfinished uploads of `owner`, oldest first (the repository page offers to resume
    /// them).
    pub async fn open_uploads(&self, owner: &str) -> Result<Vec<Upload>> {
        let mut q = select_from(UPLOAD_COLUMNS, ("uploads", "u"), &[]);
        q.and_where(col("u.owner_id").eq(owner))
            .and_where(col("u.expires_at").gt(now_ms()))
            .and_where(col("u.finishing").eq(0));
        crate::list::then_by(&mut q, &["u.created_at", "u.id"]);
        let rows = self.select_all(&q).await?;
        rows.iter().map(upload_from_row).collect()
    }

    /// Count a chunk of `size` bytes (SHA-256 `sha256`) written at `start` to the blob `blob_key`: the upload's
    /// offset moves from `start` to `start + size` in the same statement that checks it is still
    /// at `start` (else [`Refusal::UploadOffset`], and the caller removes its blob). Returns the
    /// new offset.
    pub async fn add_chunk(
        &self,
        id: &str,
        owner: &str,
        start: i64,
        chunk: (i64, &str),
        blob_key: &str,
        idle_ms: i64,
    ) -> Result<i64> {
        let (size, sha256) = chunk;
        let now = now_ms();
        let mut tx = self.begin().await?;
        let moved = sqlx::query(
            "UPDATE uploads SET upload_offset = upload_offset + $4, expires_at = $5 \
             WHERE id = $1 AND owner_id = $2 AND upload_offset = $3 AND upload_offset + $4 <= length \
             AND finishing = 0 AND expires_at > $6",
        )
        .bind(id)
        .bind(owner)
        .bind(start)
        .bind(size)
        .bind(now + idle_ms)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            drop(tx);
            // Gone (expired, deleted, another's) is 404; still there is an offset conflict.
            self.upload(id, owner).await?;
            return Err(StoreError::Refused(Refusal::UploadOffset));
        }
        if size > 0 {
            sqlx::query(
                "INSERT INTO upload_chunks (upload_id, start_offset, size, blob_key, sha256) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(start)
            .bind(size)
            .bind(blob_key)
            .bind(sha256)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(start + size)
    }

    /// The chunks of an upload, in order.
    pub async fn upload_chunks(&self, id: &str) -> Result<Vec<Chunk>> {
        let rows = sqlx::query(
            "SELECT start_offset, size, blob_key, sha256 FROM upload_chunks WHERE upload_id = $1 ORDER BY start_offset",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Chunk {
                    start: r.try_get("start_offset")?,
                    size: r.try_get("size")?,
                    blob_key: r.try_get("blob_key")?,
                    sha256: r.try_get("sha256")?,
                })
            })
            .collect()
    }

    /// Claim a complete upload for assembly into its release: true for exactly one caller.
    pub async fn claim_finish(&self, id: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE uploads SET finishing = 1 WHERE id = $1 AND finishing = 0 AND upload_offset = length",
        )
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Give a claimed upload back (its assembly failed; the client may try again).
    pub async fn release_finish(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE uploads SET finishing = 0 WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Record the release an upload became and forget the upload, in one transaction (audited).
    /// A release of the same profile and version recorded meanwhile refuses it
    /// ([`Taken::ReleaseVersion`]).
    pub async fn finish_upload(
        &self,
        meta: &AuditMeta,
        upload_id: &str,
        r: &NewRelease<'_>,
    ) -> Result<Release> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO releases (id, name, version, version_key, profile, phone_firmware, size, sha256, blob_key, uploaded_at, uploaded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(r.id)
        .bind(r.meta.name.as_str())
        .bind(r.meta.version.as_str())
        .bind(r.meta.version.sort_key())
        .bind(r.meta.profile.as_str())
        .bind(r.phone_firmware)
        .bind(r.size)
        .bind(r.sha256)
        .bind(r.blob_key)
        .bind(now_ms())
        .bind(meta.actor_login.as_str())
        .execute(&mut *tx)
        .await
        .map_err(unique_as(Taken::ReleaseVersion))?;
        if !upload_id.is_empty() {
            sqlx::query("DELETE FROM uploads WHERE id = $1")
                .bind(upload_id)
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditEntry::success(
            "release.upload",
            "release",
            r.id,
            format!("{} {}", r.meta.name, r.meta.version),
        );
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        self.release(r.id).await
    }

    /// Forget an upload of `owner` (tus termination); returns its chunk blobs for removal.
    pub async fn delete_upload(&self, id: &str, owner: &str) -> Result<Vec<String>> {
        let mut tx = self.begin().await?;
        let keys: Vec<String> =
            sqlx::query("SELECT blob_key FROM upload_chunks WHERE upload_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get("blob_key"))
                .collect::<Result<_, _>>()?;
        let done =
            sqlx::query("DELETE FROM uploads WHERE id = $1 AND owner_id = $2 AND finishing = 0")
                .bind(id)
                .bind(owner)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(keys)
    }

    /// Forget every upload idle past its expiry; returns their chunk blobs for removal.
    pub async fn expire_uploads(&self) -> Result<Vec<String>> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let keys: Vec<String> = sqlx::query(
            "SELECT c.blob_key FROM upload_chunks c JOIN uploads u ON u.id = c.upload_id \
             WHERE u.expires_at <= $1 AND u.finishing = 0",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get("blob_key"))
        .collect::<Result<_, _>>()?;
        sqlx::query("DELETE FROM uploads WHERE expires_at <= $1 AND finishing = 0")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(keys)
    }

    /// One release.
    pub async fn release(&self, id: &str) -> Result<Release> {
        let mut q = select_from(RELEASE_COLUMNS, ("releases", "r"), &[]);
        q.and_where(col("r.id").eq(id));
        let row = self
            .select_optional(&q)
            .await?
            .ok_or(StoreError::NotFound)?;
        release_from_row(&row)
    }

    /// SWR-1: the repository, newest version first unless sorted otherwise.
    pub async fn list_releases(
        &self,
        f: &ReleaseFilter,
        sort: Option<(ReleaseSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<Page<Release>> {
        let mut q = select_from(RELEASE_COLUMNS, ("releases", "r"), &[]);
        if let Some((c, dir)) = sort {
            q.order_by_expr(crate::list::sort_expr(c.column()), dir.into());
        }
        q.order_by_expr(col("r.profile").into(), sea_query::Order::Asc)
            .order_by_expr(col("r.version_key").into(), sea_query::Order::Desc)
            .order_by_expr(col("r.id").into(), sea_query::Order::Asc);
        let filter = Filter::new()
            .eq_text("r.profile", f.profile.as_deref())
            .contains_any(&["r.name", "r.version", "r.sha256"], f.search.as_deref());
        let rows = self.count_and_page(q, filter, page).await?;
        rows.try_map(|r| release_from_row(&r))
    }

    /// Every release's profile and version (SYS-4 compares systems with them; the repository
    /// holds a few hundred releases at most).
    pub async fn release_versions(&self) -> Result<Vec<(String, Version)>> {
        let rows = sqlx::query("SELECT profile, version FROM releases")
            .fetch_all(self.pool())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let v: String = r.try_get("version")?;
            if let Some(v) = Version::parse(&v) {
                out.push((r.try_get("profile")?, v));
            }
        }
        Ok(out)
    }

    /// Remove a release (audited); returns it, for its blob's removal.
    pub async fn delete_release(&self, meta: &AuditMeta, id: &str) -> Result<Release> {
        let release = self.release(id).await?;
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM releases WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = AuditEntry::success(
            "release.delete",
            "release",
            id,
            format!("{} {}", release.name, release.version),
        );
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(release)
    }
}

#[cfg(test)]
mod tests;
