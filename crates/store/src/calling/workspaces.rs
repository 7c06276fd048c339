//! Workspaces (WSP-1 … WSP-3): shared rooms and areas with their own calling identity.

use super::devices::NewDevice;
use super::{check_location, key, opt_uuid, parse_uuid, CallingIdentity, Tx};
use crate::list::{col, select_from, Filter};
use crate::{now_ms, ts, AuditMeta, PageRequest, Result, Store, StoreError};
use patchbay_domain::calling::{workspace_licence_kind, MemberKind};
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::{CustomerId, DeviceId, LocationId, WorkspaceId};
use sea_query::{JoinType, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceWrite {
    pub display_name: String,
    /// WSP-1 room type (Webex `type`).
    pub room_type: String,
    pub capacity: Option<i64>,
    /// WSP-2: professional (≤ 5 devices) or common area (1 device); none without calling.
    pub licence: Option<WorkspaceLicence>,
    /// Webex `calling.type`: `webexCalling` with a licence, `none` otherwise.
    pub calling_type: String,
    /// `phones` or `collaborationDevices`.
    pub supported_devices: String,
    pub notes: String,
    pub identity: CallingIdentity,
}

impl Default for WorkspaceWrite {
    fn default() -> Self {
        Self {
            display_name: String::new(),
            room_type: "notSet".into(),
            capacity: None,
            licence: None,
            calling_type: "none".into(),
            supported_devices: "phones".into(),
            notes: String::new(),
            identity: CallingIdentity::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub customer_id: CustomerId,
    pub fields: WorkspaceWrite,
    pub location_name: Option<String>,
    /// The SIP address of its first device (`<SIP user name>@<registrar>`), if it has one.
    pub sip_address: Option<String>,
    pub device_count: i64,
    pub created_at: jiff::Timestamp,
}

/// The list's order: `w.search_key` (the lower-cased name), `w.id`.
impl crate::list::Keyed for Workspace {
    const INTS: &'static [bool] = &[false, false];
    fn cursor(&self) -> crate::list::Cursor {
        use crate::list::KeyValue::Text;
        crate::list::Cursor(vec![
            Text(key(&self.fields.display_name)),
            Text(self.id.to_string()),
        ])
    }
}

impl Workspace {
    /// WSP-2: whether one more device may be added.
    pub fn may_add_device(&self) -> bool {
        self.fields
            .licence
            .is_some_and(|l| l.may_add(self.device_count.max(0) as usize))
    }
}

#[derive(Debug, Clone, Default)]
pub struct WorkspaceFilter {
    /// Exact, case-insensitive (Webex `displayName`).
    pub display_name: Option<String>,
    /// Contains, case-insensitive (console search).
    pub search: Option<String>,
    pub location: Option<LocationId>,
    pub room_type: Option<String>,
    /// Exactly this capacity; `Some(None)`: none set.
    pub capacity: Option<Option<i64>>,
    /// The Webex calling type: `webexCalling` (a calling licence), `none`, or another type
    /// stored as sent (`freeCalling` …).
    pub calling: Option<String>,
    /// `phones` or `collaborationDevices`.
    pub supported_devices: Option<String>,
    /// A filter no workspace here can match.
    pub nothing: bool,
}

const COLUMNS: &str = "w.id, w.customer_id, w.display_name, w.location_id, w.room_type, w.capacity, w.license_kind, \
    w.calling_type, w.supported_devices, w.extension, w.notes, w.device_count, w.created_at, l.name AS location_name, \
    (SELECT MIN(n.phone_number) FROM numbers n WHERE n.workspace_id = w.id) AS phone_number, \
    (SELECT d.sip_user_name || '@' || d.registrar FROM devices d WHERE d.workspace_id = w.id \
     ORDER BY d.created_at, d.id LIMIT 1) AS sip_address";
fn select() -> SelectStatement {
    select_from(
        COLUMNS,
        ("workspaces", "w"),
        &[(JoinType::LeftJoin, "locations", "l", "l.id = w.location_id")],
    )
}

fn from_row(row: &AnyRow) -> Result<Workspace> {
    Ok(Workspace {
        id: WorkspaceId(parse_uuid(&row.try_get::<String, _>("id")?)?),
        customer_id: CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?),
        fields: WorkspaceWrite {
            display_name: row.try_get("display_name")?,
            room_type: row.try_get("room_type")?,
            capacity: row.try_get("capacity")?,
            licence: WorkspaceLicence::parse(&row.try_get::<String, _>("license_kind")?),
            calling_type: row.try_get("calling_type")?,
            supported_devices: row.try_get("supported_devices")?,
            notes: row.try_get("notes")?,
            identity: CallingIdentity {
                location_id: opt_uuid(row, "location_id")?,
                extension: row.try_get("extension")?,
                phone_number: row.try_get("phone_number")?,
            },
        },
        location_name: row.try_get("location_name")?,
        sip_address: row.try_get("sip_address")?,
        device_count: row.try_get("device_count")?,
        created_at: ts(row.try_get("created_at")?),
    })
}

/// Insert workspace `id` with its licence unit, extension, number and audit record, in `tx`.
async fn insert_workspace(
    tx: &mut Tx,
    meta: &AuditMeta,
    customer: CustomerId,
    id: WorkspaceId,
    w: &WorkspaceWrite,
) -> Result<()> {
    check_location(tx, customer, w.identity.location_id).await?;
    sqlx::query(
        "INSERT INTO workspaces (id, customer_id, display_name, search_key, location_id, room_type, capacity, \
         license_kind, calling_type, supported_devices, extension, notes, device_count, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,0,$13)",
    )
    .bind(id.to_string())
    .bind(customer.to_string())
    .bind(w.display_name.as_str())
    .bind(key(&w.display_name))
    .bind(w.identity.location_id.map(|l| l.to_string()))
    .bind(w.room_type.as_str())
    .bind(w.capacity)
    .bind(w.licence.map(|l| l.as_str()).unwrap_or(""))
    .bind(w.calling_type.as_str())
    .bind(w.supported_devices.as_str())
    .bind(w.identity.extension.clone())
    .bind(w.notes.as_str())
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    super::swap_licence(tx, customer, None, w.licence.map(workspace_licence_kind)).await?;
    let licence = w.licence.map(|l| l.as_str()).unwrap_or("none");
    super::settle_member(
        tx,
        meta,
        customer,
        MemberKind::Place,
        id.0,
        &w.identity,
        "create",
        w.display_name.clone(),
        format!("customer={customer} licence={licence}"),
    )
    .await
}

impl Store {
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_workspace(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        w: &WorkspaceWrite,
    ) -> Result<WorkspaceId> {
        let id = WorkspaceId::new();
        let mut tx = self.begin().await?;
        insert_workspace(&mut tx, meta, customer, id, w).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A new workspace and its first device in one transaction (the add-device wizard, WSP-1 …
    /// WSP-3 with DEV-1 … DEV-4): either both exist afterwards or neither. The device's owner
    /// must be `id`.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_workspace_with_device(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        id: WorkspaceId,
        w: &WorkspaceWrite,
        d: &NewDevice,
    ) -> Result<DeviceId> {
        if d.owner_kind != MemberKind::Place || d.owner_id != id.0 {
            return Err(StoreError::Missing(crate::Missing::Workspace));
        }
        let mut tx = self.begin().await?;
        insert_workspace(&mut tx, meta, customer, id, w).await?;
        let device = super::devices::insert_device(&mut tx, meta, customer, d).await?;
        tx.commit().await?;
        Ok(device)
    }

    /// Replace a workspace's fields. A licence change must still admit the devices it has
    /// (WSP-2: common area holds one device; without a licence, none).
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn update_workspace(
        &self,
        meta: &AuditMeta,
        id: WorkspaceId,
        w: &WorkspaceWrite,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let held = super::held(&mut tx, MemberKind::Place, id.0).await?;
        let customer = held.customer;
        let devices: i64 = sqlx::query("SELECT device_count FROM workspaces WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *tx)
            .await?
            .try_get("device_count")?;
        let limit = w.licence.map(|l| l.device_limit() as i64).unwrap_or(0);
        if devices > limit {
            return Err(StoreError::Refused(crate::Refusal::WorkspaceLicenceDevices));
        }
        check_location(&mut tx, customer, w.identity.location_id).await?;
        let new = w.licence.map(workspace_licence_kind);
        super::swap_licence(&mut tx, customer, held.licence, new).await?;
        sqlx::query(
            "UPDATE workspaces SET display_name = $1, search_key = $2, location_id = $3, room_type = $4, capacity = $5, \
             license_kind = $6, calling_type = $7, supported_devices = $8, extension = $9, notes = $10 WHERE id = $11",
        )
        .bind(w.display_name.as_str())
        .bind(key(&w.display_name))
        .bind(w.identity.location_id.map(|l| l.to_string()))
        .bind(w.room_type.as_str())
        .bind(w.capacity)
        .bind(w.licence.map(|l| l.as_str()).unwrap_or(""))
        .bind(w.calling_type.as_str())
        .bind(w.supported_devices.as_str())
        .bind(w.identity.extension.clone())
        .bind(w.notes.as_str())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        super::settle_member(
            &mut tx,
            meta,
            customer,
            MemberKind::Place,
            id.0,
            &w.identity,
            "update",
            w.display_name.clone(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delete a workspace and its devices (as Webex does); the licence unit, extension and number
    /// are released.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn delete_workspace(&self, meta: &AuditMeta, id: WorkspaceId) -> Result<()> {
        super::delete_member(self, meta, MemberKind::Place, id.0).await
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn workspace(&self, id: WorkspaceId) -> Result<Workspace> {
        super::one_of(self, select(), "w.id", id.to_string(), from_row).await
    }

    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn list_workspaces(
        &self,
        customer: CustomerId,
        f: &WorkspaceFilter,
        page: PageRequest,
    ) -> Result<(Vec<Workspace>, i64)> {
        let filter = Filter::new()
            .eq("w.customer_id", Some(customer.to_string()))
            .eq(
                "w.search_key",
                f.display_name
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .map(key),
            )
            .contains_any(&["w.search_key"], f.search.as_deref())
            .eq("w.location_id", f.location.map(|l| l.to_string()))
            .eq("w.room_type", f.room_type.clone())
            .eq("w.supported_devices", f.supported_devices.clone())
            .when(f.nothing, sea_query::Expr::cust("1 = 0"));
        let filter = match f.capacity {
            Some(Some(c)) => filter.and(col("w.capacity").eq(c)),
            Some(None) => filter.and(col("w.capacity").is_null()),
            None => filter,
        };
        let licensed = || col("w.license_kind").ne("");
        let filter = match f.calling.as_deref() {
            Some("webexCalling") => filter.and(licensed()),
            Some("none") => filter.and(
                sea_query::Cond::all().add(licensed().not()).add(
                    sea_query::Cond::any()
                        .add(col("w.calling_type").eq("none"))
                        .add(col("w.calling_type").eq("webexCalling")),
                ),
            ),
            Some(other) => filter.and(
                sea_query::Cond::all()
                    .add(licensed().not())
                    .add(col("w.calling_type").eq(other.to_string())),
            ),
            None => filter,
        };
        super::page_of(
            self,
            select(),
            filter,
            &["w.search_key", "w.id"],
            page,
            from_row,
        )
        .await
    }
}
