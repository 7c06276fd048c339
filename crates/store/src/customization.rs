//! Customization folders (CST-1…3): the files of each distributor, reseller and customer folder.
//! A folder holds one file per name; storing a name again replaces the file in the same
//! transaction (the old blob is returned for removal). Every change is audited.

use crate::audit::{write, AuditEntry, AuditMeta};
use crate::{now_ms, ts, unique_as, Result, Store, StoreError, Taken};
use sqlx::Row;

/// A folder of the tree (CST-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Folder {
    Distributor(uuid::Uuid),
    Reseller(uuid::Uuid),
    Customer(uuid::Uuid),
}

impl Folder {
    pub fn kind(self) -> &'static str {
        match self {
            Folder::Distributor(_) => "distributor",
            Folder::Reseller(_) => "reseller",
            Folder::Customer(_) => "customer",
        }
    }

    pub fn id(self) -> uuid::Uuid {
        match self {
            Folder::Distributor(i) | Folder::Reseller(i) | Folder::Customer(i) => i,
        }
    }

    /// `distributor:<id>` …: the folder's key (and its path segment in the API).
    pub fn key(self) -> String {
        format!("{}:{}", self.kind(), self.id())
    }

    pub fn parse(key: &str) -> Option<Self> {
        let (kind, id) = key.split_once(':')?;
        let id: uuid::Uuid = id.parse().ok()?;
        match kind {
            "distributor" => Some(Folder::Distributor(id)),
            "reseller" => Some(Folder::Reseller(id)),
            "customer" => Some(Folder::Customer(id)),
            _ => None,
        }
    }
}

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomFile {
    pub id: String,
    pub folder: Folder,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub blob_key: String,
    /// JSON list of the check's warnings.
    pub warnings: String,
    pub uploaded_at: jiff::Timestamp,
    pub uploaded_by: String,
}

/// A file about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomFile<'a> {
    pub id: &'a str,
    pub folder: Folder,
    pub name: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub blob_key: &'a str,
    pub warnings: &'a str,
}

/// A customer folder of the tree: the customer, its system and its providers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerFolder {
    pub id: patchbay_domain::CustomerId,
    pub customer_id: String,
    pub name: String,
    pub system_name: String,
    pub distributor_id: Option<patchbay_domain::DistributorId>,
    pub reseller_id: Option<patchbay_domain::ResellerId>,
}

impl CustomerFolder {
    /// CST-1: a customer folder is named by the system name (and the customer's).
    pub fn label(&self) -> String {
        if self.system_name.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.system_name, self.name)
        }
    }
}

fn parse_opt<T: std::str::FromStr>(v: Option<String>) -> Option<T> {
    v.and_then(|s| s.parse().ok())
}

const COLUMNS: &str =
    "id, folder_key, name, size, sha256, blob_key, warnings, uploaded_at, uploaded_by";

fn from_row(r: &sqlx::any::AnyRow) -> Result<CustomFile> {
    let key: String = r.try_get("folder_key")?;
    Ok(CustomFile {
        id: r.try_get("id")?,
        folder: Folder::parse(&key)
            .ok_or_else(|| StoreError::Corrupt(format!("folder key {key:?}")))?,
        name: r.try_get("name")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        blob_key: r.try_get("blob_key")?,
        warnings: r.try_get("warnings")?,
        uploaded_at: ts(r.try_get("uploaded_at")?),
        uploaded_by: r.try_get("uploaded_by")?,
    })
}

impl Store {
    /// Whether the folder's owner exists.
    pub async fn folder_exists(&self, folder: Folder) -> Result<bool> {
        let sql = match folder {
            Folder::Distributor(_) => "SELECT 1 AS one FROM distributors WHERE id = $1",
            Folder::Reseller(_) => "SELECT 1 AS one FROM resellers WHERE id = $1",
            Folder::Customer(_) => "SELECT 1 AS one FROM customers WHERE id = $1",
        };
        Ok(sqlx::query(sql)
            .bind(folder.id().to_string())
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// The customers whose folder holds files (the tree lists those; another customer's folder
    /// is opened by its customer ID).
    pub async fn customer_folders(&self) -> Result<Vec<CustomerFolder>> {
        let rows = sqlx::query(
            "SELECT c.id, c.customer_id, c.name, c.system_name, c.distributor_id, c.reseller_id FROM customers c \
             WHERE EXISTS (SELECT 1 FROM customization_files f WHERE f.customer_id = c.id) ORDER BY c.name_key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                Ok(CustomerFolder {
                    id: id
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("customer id {id:?}")))?,
                    customer_id: r.try_get("customer_id")?,
                    name: r.try_get("name")?,
                    system_name: r.try_get("system_name")?,
                    distributor_id: parse_opt(r.try_get("distributor_id")?),
                    reseller_id: parse_opt(r.try_get("reseller_id")?),
                })
            })
            .collect()
    }

    /// The customer folder of the customer whose customer ID is `key` (case-insensitive).
    pub async fn customer_folder_by_key(&self, key: &str) -> Result<Folder> {
        let row = sqlx::query("SELECT id FROM customers WHERE LOWER(customer_id) = LOWER($1)")
            .bind(key.trim())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let id: String = row.try_get("id")?;
        Ok(Folder::Customer(id.parse().map_err(|_| {
            StoreError::Corrupt(format!("customer id {id:?}"))
        })?))
    }

    /// A folder's name: the provider's, or the customer's system (and name).
    pub async fn folder_name(&self, folder: Folder) -> Result<String> {
        let (sql, customer) = match folder {
            Folder::Distributor(_) => (
                "SELECT name, '' AS system_name FROM distributors WHERE id = $1",
                false,
            ),
            Folder::Reseller(_) => (
                "SELECT name, '' AS system_name FROM resellers WHERE id = $1",
                false,
            ),
            Folder::Customer(_) => (
                "SELECT name, system_name FROM customers WHERE id = $1",
                true,
            ),
        };
        let row = sqlx::query(sql)
            .bind(folder.id().to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let name: String = row.try_get("name")?;
        let system: String = row.try_get("system_name")?;
        Ok(if customer && !system.is_empty() {
            format!("{system} ({name})")
        } else {
            name
        })
    }

    /// The files of a folder, by name.
    pub async fn folder_files(&self, folder: Folder) -> Result<Vec<CustomFile>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM customization_files WHERE folder_key = $1 ORDER BY name"
        ))
        .bind(folder.key())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// CST-4, CST-2: the files named `names` that apply to `customer`'s system, in layer order:
    /// its distributor's folder, then its reseller's, then its own (a later file of the same
    /// name overrides an earlier one); within a layer by name.
    pub async fn layered_files(
        &self,
        customer: patchbay_domain::CustomerId,
        names: &[&str],
    ) -> Result<Vec<CustomFile>> {
        let row = sqlx::query("SELECT distributor_id, reseller_id FROM customers WHERE id = $1")
            .bind(customer.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut layers = Vec::with_capacity(3);
        if let Some(d) = parse_opt::<uuid::Uuid>(row.try_get("distributor_id")?) {
            layers.push(Folder::Distributor(d));
        }
        if let Some(r) = parse_opt::<uuid::Uuid>(row.try_get("reseller_id")?) {
            layers.push(Folder::Reseller(r));
        }
        layers.push(Folder::Customer(customer.0));
        let mut out = Vec::new();
        for folder in layers {
            out.extend(
                self.folder_files(folder)
                    .await?
                    .into_iter()
                    .filter(|f| names.contains(&f.name.as_str())),
            );
        }
        Ok(out)
    }

    /// CST-2: whether the system has yet to get its `CustomData.xml`: its first connection has
    /// not been seen through, and it is still within `window` of its first contact. Past the
    /// window (an agent too old to apply the file, say) the first connection is recorded as seen
    /// through without it, so the file never lands later over settings changed since.
    pub async fn custom_data_pending(
        &self,
        system: patchbay_domain::SystemId,
        window: std::time::Duration,
    ) -> Result<bool> {
        let row = sqlx::query("SELECT custom_data_at, created_at FROM systems WHERE id = $1")
            .bind(system.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        self.custom_data_due(
            system,
            row.try_get("custom_data_at")?,
            row.try_get("created_at")?,
            window,
        )
        .await
    }

    /// [`Store::custom_data_pending`] from the system's `custom_data_at` and `created_at`, as
    /// [`Store::agent_connected`] returned them.
    pub async fn custom_data_due(
        &self,
        system: patchbay_domain::SystemId,
        custom_data_at: Option<i64>,
        created_at: i64,
        window: std::time::Duration,
    ) -> Result<bool> {
        if custom_data_at.is_some() {
            return Ok(false);
        }
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        if now_ms().saturating_sub(created_at) > window_ms {
            self.custom_data_done(system).await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// CST-2: the system's first connection is seen through (its `CustomData.xml` applied, or
    /// none applied to it). One statement: true for the one caller that recorded it.
    pub async fn custom_data_done(&self, system: patchbay_domain::SystemId) -> Result<bool> {
        // In the writers' line (SQLite): a connection storm must not poll for the write lock.
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE systems SET custom_data_at = $2 WHERE id = $1 AND custom_data_at IS NULL",
        )
        .bind(system.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many files each folder holds (for the tree).
    pub async fn folder_counts(&self) -> Result<std::collections::HashMap<String, i64>> {
        let rows = sqlx::query(
            "SELECT folder_key, COUNT(*) AS n FROM customization_files GROUP BY folder_key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("folder_key")?, r.try_get("n")?)))
            .collect()
    }

    /// Store a file in its folder, replacing one of the same name; returns the replaced file's
    /// blob, if any.
    pub async fn put_custom_file(
        &self,
        meta: &AuditMeta,
        f: &NewCustomFile<'_>,
    ) -> Result<Option<String>> {
        let mut tx = self.begin().await?;
        self.serialize_on(&mut tx, &format!("customization_files:{}", f.folder.key()))
            .await?;
        let old: Option<String> = sqlx::query(
            "DELETE FROM customization_files WHERE folder_key = $1 AND name = $2 RETURNING blob_key",
        )
        .bind(f.folder.key())
        .bind(f.name)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("blob_key"))
        .transpose()?;
        let id = f.folder.id().to_string();
        let owner = |kind: &str| (f.folder.kind() == kind).then(|| id.clone());
        sqlx::query(
            "INSERT INTO customization_files (id, folder_key, distributor_id, reseller_id, customer_id, name, size, sha256, \
             blob_key, warnings, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(f.id)
        .bind(f.folder.key())
        .bind(owner("distributor"))
        .bind(owner("reseller"))
        .bind(owner("customer"))
        .bind(f.name)
        .bind(f.size)
        .bind(f.sha256)
        .bind(f.blob_key)
        .bind(f.warnings)
        .bind(now_ms())
        .bind(meta.actor_login.as_str())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry::success("customFile.upload", "customFile", f.id, f.name);
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(old)
    }

    /// The files `ids` of a folder (unknown ids: not found, nothing returned).
    pub async fn custom_files(&self, folder: Folder, ids: &[String]) -> Result<Vec<CustomFile>> {
        let all = self.folder_files(folder).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(
                all.iter()
                    .find(|f| &f.id == id)
                    .cloned()
                    .ok_or(StoreError::NotFound)?,
            );
        }
        Ok(out)
    }

    /// CST-3: delete files of a folder (all or nothing); returns their blobs.
    pub async fn delete_custom_files(
        &self,
        meta: &AuditMeta,
        folder: Folder,
        ids: &[String],
    ) -> Result<Vec<String>> {
        let files = self.custom_files(folder, ids).await?;
        let mut tx = self.begin().await?;
        for f in &files {
            let gone =
                sqlx::query("DELETE FROM customization_files WHERE id = $1 AND folder_key = $2")
                    .bind(f.id.as_str())
                    .bind(folder.key())
                    .execute(&mut *tx)
                    .await?;
            if gone.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let entry = AuditEntry::success("customFile.delete", "customFile", &f.id, &f.name);
            write(&mut tx, meta, entry).await?;
        }
        tx.commit().await?;
        Ok(files.into_iter().map(|f| f.blob_key).collect())
    }

    /// CST-3: rename a file within its folder (a name taken there is refused).
    pub async fn rename_custom_file(
        &self,
        meta: &AuditMeta,
        folder: Folder,
        id: &str,
        name: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE customization_files SET name = $3 WHERE id = $1 AND folder_key = $2",
        )
        .bind(id)
        .bind(folder.key())
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(unique_as(Taken::CustomFileName))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = AuditEntry::success("customFile.rename", "customFile", id, name);
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alarms::tests::customer;

    fn file<'a>(folder: Folder, id: &'a str, name: &'a str, key: &'a str) -> NewCustomFile<'a> {
        NewCustomFile {
            id,
            folder,
            name,
            size: 10,
            sha256: "ab",
            blob_key: key,
            warnings: "[]",
        }
    }

    #[tokio::test]
    async fn cst_2_custom_data_waits_for_a_first_connection_within_its_window() {
        let s = crate::testing::store().await;
        let c = customer(&s, "data-co").await;
        let hour = std::time::Duration::from_secs(3600);
        let (fresh, _) = s
            .system_connected(c, "fresh-1", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(s.custom_data_pending(fresh, hour).await.unwrap_or(false));
        // Seen through once, by whichever caller records it first.
        assert!(s.custom_data_done(fresh).await.unwrap_or(false));
        assert!(!s.custom_data_done(fresh).await.unwrap_or(true));
        assert!(!s.custom_data_pending(fresh, hour).await.unwrap_or(true));
        // A system first seen two hours ago that never took its file: not any more.
        let (old, _) = s
            .system_connected(c, "old-1", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sqlx::query("UPDATE systems SET created_at = $1 WHERE id = $2")
            .bind(crate::now_ms() - 2 * 3_600_000)
            .bind(old.to_string())
            .execute(s.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!s.custom_data_pending(old, hour).await.unwrap_or(true));
        assert!(!s.custom_data_done(old).await.unwrap_or(true), "recorded");
    }

    #[tokio::test]
    async fn cst_3_one_name_per_folder_replace_rename_delete_and_the_owners_cascade() {
        let s = crate::testing::store().await;
        let c = customer(&s, "folder-co").await;
        let folder = Folder::Customer(c.0);
        assert!(s.folder_exists(folder).await.unwrap_or(false));
        let other = Folder::Customer(uuid::Uuid::now_v7());
        assert!(!s.folder_exists(other).await.unwrap_or(true));
        let meta = AuditMeta::cli();
        let put = |f| {
            let s = s.clone();
            let meta = meta.clone();
            async move { s.put_custom_file(&meta, &f).await }
        };
        assert_eq!(
            put(file(folder, "f1", "CustomData.xml", "k1")).await.ok(),
            Some(None)
        );
        // The same name again replaces it, and says which blob to remove.
        assert_eq!(
            put(file(folder, "f2", "CustomData.xml", "k2")).await.ok(),
            Some(Some("k1".to_string()))
        );
        put(file(folder, "f3", "CustomPhoneFiles.tar", "k3"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<String> = s
            .folder_files(folder)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["CustomData.xml", "CustomPhoneFiles.tar"]);
        // Rename: a taken name is refused.
        let r = s
            .rename_custom_file(&meta, folder, "f3", "CustomData.xml")
            .await;
        assert!(
            matches!(r, Err(StoreError::Taken(Taken::CustomFileName))),
            "{r:?}"
        );
        s.rename_custom_file(&meta, folder, "f3", "CustomPhoneFiles-old.tar")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Delete is all or nothing: an id of another folder fails the lot.
        let r = s
            .delete_custom_files(&meta, folder, &["f2".into(), "nope".into()])
            .await;
        assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
        assert_eq!(s.folder_files(folder).await.map(|f| f.len()).ok(), Some(2));
        assert_eq!(
            s.delete_custom_files(&meta, folder, &["f2".into()])
                .await
                .ok(),
            Some(vec!["k2".to_string()])
        );
        assert_eq!(
            s.folder_counts()
                .await
                .unwrap_or_default()
                .get(&folder.key()),
            Some(&1)
        );
        assert_eq!(Folder::parse(&folder.key()), Some(folder));
        assert_eq!(Folder::parse("team:x"), None);
    }
}
