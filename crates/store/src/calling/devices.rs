//! The device catalogue (DEV-1), devices with their SIP identity (DEV-3, DEV-4), their lines
//! (DEV-6) and activation codes.

pub use super::catalogue::DeviceModel;
pub use super::lines::DeviceLine;
use super::{key, member_columns, member_from, parse_uuid, Member, Tx};
use crate::list::{col, select_from, Filter};
use crate::{now_ms, ts, AuditMeta, PageRequest, Result, Store, StoreError};
use patchbay_domain::calling::MemberKind;
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::{ActivationCodeId, CustomerId, DeviceId, LocationId};
use sea_query::{Alias, Cond, JoinType, Query, SelectStatement};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A new device with its generated (or supplied, partner-managed) SIP identity. The password
/// arrives sealed; the store never sees it in clear.
#[derive(Clone)]
pub struct NewDevice {
    pub model: String,
    pub mac: String,
    pub owner_kind: MemberKind,
    pub owner_id: uuid::Uuid,
    pub sip_user_name: String,
    pub sealed_password: String,
    pub line_port: String,
    pub outbound_proxy: String,
    pub registrar: String,
    /// The registrar subscriber of port 1 (SIP-1).
    pub subscriber: patchbay_domain::sip::SubscriberKey,
    /// The key of its provisioning credentials (PRV-2); none for partner-managed devices.
    pub prov_ha1: Option<String>,
}

impl std::fmt::Debug for NewDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDevice")
            .field("model", &self.model)
            .field("mac", &self.mac)
            .field("sip_user_name", &self.sip_user_name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub customer_id: CustomerId,
    pub model: DeviceModel,
    pub mac: String,
    pub display_name: String,
    pub owner: Member,
    pub sip_user_name: String,
    pub line_port: String,
    pub outbound_proxy: String,
    pub registrar: String,
    /// Webex `connectionStatus` (DEV-9): `disconnected` until a registrar reports.
    pub status: String,
    /// When `status` last changed (SIP-3).
    pub status_at: Option<jiff::Timestamp>,
    /// When the device last fetched its configuration file (PRV-3).
    pub provisioned_at: Option<jiff::Timestamp>,
    pub created_at: jiff::Timestamp,
}

/// The list's order: `d.display_name`, `d.created_at`, `d.id`.
impl crate::list::Keyed for Device {
    const INTS: &'static [bool] = &[false, true, false];
    fn cursor(&self) -> crate::list::Cursor {
        use crate::list::KeyValue::{Int, Text};
        crate::list::Cursor(vec![
            Text(self.display_name.clone()),
            Int(self.created_at.as_millisecond()),
            Text(self.id.to_string()),
        ])
    }
}

impl Device {
    pub fn location_id(&self) -> Option<uuid::Uuid> {
        self.owner.location_id
    }
}

#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    pub person: Option<uuid::Uuid>,
    pub workspace: Option<uuid::Uuid>,
    pub location: Option<LocationId>,
    /// Contains, case-insensitive: owner name, model, MAC (DEV-7 search as you type).
    pub search: Option<String>,
    /// Normalised MAC, exact.
    pub mac: Option<String>,
    /// Model display name or model, exact (Webex `product`).
    pub product: Option<String>,
    pub status: Option<String>,
    /// Devices on which this person or workspace has a line (owned or shared).
    pub line_of: Option<(MemberKind, uuid::Uuid)>,
}

const DEVICE_COLUMNS: &str = concat!(
    "d.id, d.customer_id, d.mac, d.display_name, d.sip_user_name, d.line_port, \
     d.outbound_proxy, d.registrar, d.status, d.created_at, m.model, \
     m.display_name AS model_display_name, m.vendor, m.device_type, m.manufacturer, m.managed_by, \
     m.supported_for, m.onboarding, m.line_ports, m.fax, m.sip_tls_only, d.status_at, d.provisioned_at, ",
    member_columns!()
);

/// Devices `d` with their model `m` and owner (`p` or `w`).
fn select() -> SelectStatement {
    select_from(
        DEVICE_COLUMNS,
        ("devices", "d"),
        &[
            (
                JoinType::InnerJoin,
                "device_models",
                "m",
                "m.model = d.model",
            ),
            (JoinType::LeftJoin, "people", "p", "p.id = d.person_id"),
            (
                JoinType::LeftJoin,
                "workspaces",
                "w",
                "w.id = d.workspace_id",
            ),
        ],
    )
}

fn device_from(row: &AnyRow) -> Result<Device> {
    let model = super::catalogue::model_named(row, "model_display_name")?;
    Ok(Device {
        id: DeviceId(parse_uuid(&row.try_get::<String, _>("id")?)?),
        customer_id: CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?),
        model,
        mac: row.try_get("mac")?,
        display_name: row.try_get("display_name")?,
        owner: member_from(row)?
            .ok_or_else(|| StoreError::Corrupt("device without owner".into()))?,
        sip_user_name: row.try_get("sip_user_name")?,
        line_port: row.try_get("line_port")?,
        outbound_proxy: row.try_get("outbound_proxy")?,
        registrar: row.try_get("registrar")?,
        status: row.try_get("status")?,
        status_at: row.try_get::<Option<i64>, _>("status_at")?.map(ts),
        provisioned_at: row.try_get::<Option<i64>, _>("provisioned_at")?.map(ts),
        created_at: ts(row.try_get("created_at")?),
    })
}

/// The owner's name and that it belongs to `customer`, inside `tx`.
pub(crate) async fn owner_name(
    tx: &mut Tx,
    customer: CustomerId,
    kind: MemberKind,
    id: uuid::Uuid,
) -> Result<String> {
    let sql = match kind {
        MemberKind::People => "SELECT display_name FROM people WHERE id = $1 AND customer_id = $2",
        MemberKind::Place => {
            "SELECT display_name FROM workspaces WHERE id = $1 AND customer_id = $2"
        }
    };
    let row = sqlx::query(sql)
        .bind(id.to_string())
        .bind(customer.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let missing = match kind {
        MemberKind::People => crate::Missing::Person,
        MemberKind::Place => crate::Missing::Workspace,
    };
    Ok(row
        .ok_or(StoreError::Missing(missing))?
        .try_get("display_name")?)
}

/// Insert a device for its owner in `tx`: owner check, WSP-2 device limit, device row (MAC and
/// SIP user name unique), its primary line, audit record.
pub(crate) async fn insert_device(
    tx: &mut Tx,
    meta: &AuditMeta,
    customer: CustomerId,
    d: &NewDevice,
) -> Result<DeviceId> {
    let name = owner_name(tx, customer, d.owner_kind, d.owner_id).await?;
    insert_owned(tx, meta, customer, d, name, None).await
}

/// [`insert_device`] for an owner already read (`name`), and (WGO-1) the mobile subscription of
/// a mobile line, set in the same INSERT: a person's second mobile line is
/// [`crate::Taken::MobileLine`].
pub(crate) async fn insert_owned(
    tx: &mut Tx,
    meta: &AuditMeta,
    customer: CustomerId,
    d: &NewDevice,
    name: String,
    mobile_subscription: Option<&str>,
) -> Result<DeviceId> {
    let id = DeviceId::new();
    if d.owner_kind == MemberKind::Place {
        let row = sqlx::query("SELECT license_kind FROM workspaces WHERE id = $1")
            .bind(d.owner_id.to_string())
            .fetch_one(&mut **tx)
            .await?;
        let limit = WorkspaceLicence::parse(&row.try_get::<String, _>("license_kind")?)
            .map(|l| l.device_limit() as i64)
            .unwrap_or(0);
        let done = sqlx::query(&format!(
            "UPDATE workspaces SET device_count = device_count + 1 WHERE id = $1 AND device_count < {limit}"
        ))
        .bind(d.owner_id.to_string())
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Refused(if limit == 0 {
                crate::Refusal::WorkspaceNoLicence
            } else {
                crate::Refusal::WorkspaceDeviceLimit
            }));
        }
    }
    let (p, w) = Member::columns(d.owner_kind, d.owner_id);
    sqlx::query(
        "INSERT INTO devices (id, customer_id, model, mac, display_name, search_key, person_id, workspace_id, \
         sip_user_name, sip_password, line_port, outbound_proxy, registrar, status, disclaimer_at, created_at, prov_ha1, \
         mobile_subscription) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'disconnected',$14,$14,$15,$16)",
    )
    .bind(id.to_string())
    .bind(customer.to_string())
    .bind(d.model.as_str())
    .bind(d.mac.as_str())
    .bind(name.as_str())
    .bind(key(&format!("{name} {} {}", d.model, d.mac)))
    .bind(p.clone())
    .bind(w.clone())
    .bind(d.sip_user_name.as_str())
    .bind(d.sealed_password.as_str())
    .bind(d.line_port.as_str())
    .bind(d.outbound_proxy.as_str())
    .bind(d.registrar.as_str())
    .bind(now_ms())
    .bind(d.prov_ha1.clone())
    .bind(mobile_subscription)
    .execute(&mut **tx)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            if db.message().contains("sip_user_name")
                || db.constraint().is_some_and(|c| c.contains("sip_user_name"))
            {
                StoreError::Taken(crate::Taken::SipUserName)
            } else if db.message().contains("person_id")
                || db.constraint().is_some_and(|c| c.contains("one_mobile"))
            {
                StoreError::Taken(crate::Taken::MobileLine)
            } else {
                StoreError::Taken(crate::Taken::Mac)
            }
        }
        _ => StoreError::Db(e),
    })?;
    sqlx::query(
        "INSERT INTO device_lines (device_id, port, person_id, workspace_id, primary_owner, line_type, line_weight) \
         VALUES ($1, 1, $2, $3, 1, 'PRIMARY', 1)",
    )
    .bind(id.to_string())
    .bind(p)
    .bind(w)
    .execute(&mut **tx)
    .await?;
    super::subscribers::insert_subscribers(tx, id, std::slice::from_ref(&d.subscriber)).await?;
    super::audit(
        tx,
        meta,
        "device.create",
        "device",
        id.to_string(),
        name,
        format!("model={} mac={}", d.model, d.mac),
    )
    .await?;
    Ok(id)
}

impl Store {
    /// Which of these normalised MACs are taken on the platform (DEV-3).
    #[tracing::instrument(skip_all, fields(n = macs.len()))]
    pub async fn macs_in_use(&self, macs: &[String]) -> Result<Vec<String>> {
        if macs.is_empty() {
            return Ok(Vec::new());
        }
        let q = Query::select()
            .column(Alias::new("mac"))
            .from(Alias::new("devices"))
            .and_where(col("mac").is_in(macs.iter().cloned()))
            .to_owned();
        let rows = self.select_all(&q).await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>("mac")?))
            .collect()
    }

    /// Create a device for its owner, in one transaction (see [`insert_device`]).
    #[tracing::instrument(skip_all, fields(%customer, model = d.model))]
    pub async fn create_device(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        d: &NewDevice,
    ) -> Result<DeviceId> {
        let mut tx = self.begin().await?;
        let id = insert_device(&mut tx, meta, customer, d).await?;
        tx.commit().await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn device(&self, id: DeviceId) -> Result<Device> {
        super::one_of(self, select(), "d.id", id.to_string(), device_from).await
    }

    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn list_devices(
        &self,
        customer: CustomerId,
        f: &DeviceFilter,
        page: PageRequest,
    ) -> Result<(Vec<Device>, i64)> {
        let mut filter = Filter::new()
            .eq("d.customer_id", Some(customer.to_string()))
            .eq("d.person_id", f.person.map(|p| p.to_string()))
            .eq("d.workspace_id", f.workspace.map(|w| w.to_string()))
            .contains_any(&["d.search_key"], f.search.as_deref())
            .eq("d.mac", f.mac.clone())
            .eq("d.status", f.status.clone());
        if let Some(l) = f.location {
            filter = filter.and(
                Cond::any()
                    .add(col("p.location_id").eq(l.to_string()))
                    .add(col("w.location_id").eq(l.to_string())),
            );
        }
        if let Some(pr) = &f.product {
            filter = filter.and(
                Cond::any()
                    .add(col("m.display_name").eq(pr.clone()))
                    .add(col("m.model").eq(pr.clone())),
            );
        }
        if let Some((kind, id)) = f.line_of {
            let column = match kind {
                MemberKind::People => "dl.person_id",
                MemberKind::Place => "dl.workspace_id",
            };
            filter = filter.exists(
                crate::list::related("device_lines", "dl", "dl.device_id = d.id"),
                col(column).eq(id.to_string()),
            );
        }
        super::page_of(
            self,
            select(),
            filter,
            &["d.display_name", "d.created_at", "d.id"],
            page,
            device_from,
        )
        .await
    }

    /// Delete a device; its MAC becomes available again and its workspace gets the slot back.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn delete_device(&self, meta: &AuditMeta, id: DeviceId) -> Result<()> {
        let mut tx = self.begin().await?;
        let Some(row) =
            sqlx::query("SELECT workspace_id, display_name, mac FROM devices WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Err(StoreError::NotFound);
        };
        if let Some(w) = row.try_get::<Option<String>, _>("workspace_id")? {
            sqlx::query(
                "UPDATE workspaces SET device_count = device_count - 1 WHERE id = $1 AND device_count > 0",
            )
            .bind(w)
            .execute(&mut *tx)
            .await?;
        }
        // A mobile line's unit goes back to its subscription, once: only the DELETE that removed
        // the row gives it back.
        let gone = sqlx::query(
            "DELETE FROM devices WHERE id = $1 RETURNING customer_id, mobile_subscription",
        )
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        if let Some(sub) = gone.try_get::<Option<String>, _>("mobile_subscription")? {
            let unit = (gone.try_get::<String, _>("customer_id")?, sub);
            super::mobile::give_back(&mut tx, std::slice::from_ref(&unit)).await?;
        }
        super::audit(
            &mut tx,
            meta,
            "device.delete",
            "device",
            id.to_string(),
            row.try_get("display_name")?,
            format!("mac={}", row.try_get::<String, _>("mac")?),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replace the SIP password (DEV-5), its lines' registrar keys (SIP-1) — made by `keys_for`
    /// from the line ports read inside the transaction, the device row locked — and, when given,
    /// the provisioning key (PRV-2), together; the password arrives sealed.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn set_device_password(
        &self,
        meta: &AuditMeta,
        id: DeviceId,
        sealed: &str,
        prov_ha1: Option<&str>,
        keys_for: &(dyn Fn(&[i64]) -> Vec<patchbay_domain::sip::SubscriberKey> + Sync),
        action: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let locked = sqlx::query(&format!(
            "SELECT id FROM devices WHERE id = $1{}",
            self.lock_clause()
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        if locked.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE devices SET sip_password = $1, prov_ha1 = COALESCE($2, prov_ha1) WHERE id = $3",
        )
        .bind(sealed)
        .bind(prov_ha1)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let ports = sqlx::query("SELECT port FROM device_lines WHERE device_id = $1 ORDER BY port")
            .bind(id.to_string())
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("port"))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let keys = keys_for(if ports.is_empty() { &[1] } else { &ports });
        super::subscribers::replace_subscribers(&mut tx, id, &keys).await?;
        super::audit(
            &mut tx,
            meta,
            action,
            "device",
            id.to_string(),
            String::new(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sealed SIP password, for the device configuration every line shares (DEV-6).
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn device_sealed_password(&self, id: DeviceId) -> Result<String> {
        let row = sqlx::query("SELECT sip_password FROM devices WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get("sip_password")?)
    }

    /// Store an activation code (its hash) for a person or workspace; usable once until
    /// `expires_at`.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_activation_code(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        owner: (MemberKind, uuid::Uuid),
        model: &str,
        code_hash: &str,
        expires_at: jiff::Timestamp,
    ) -> Result<ActivationCodeId> {
        let id = ActivationCodeId::new();
        let mut tx = self.begin().await?;
        let name = owner_name(&mut tx, customer, owner.0, owner.1).await?;
        let (p, w) = Member::columns(owner.0, owner.1);
        sqlx::query(
            "INSERT INTO activation_codes (id, customer_id, person_id, workspace_id, model, code_hash, expires_at, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(id.to_string())
        .bind(customer.to_string())
        .bind(p)
        .bind(w)
        .bind(model)
        .bind(code_hash)
        .bind(expires_at.as_millisecond())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::ActivationCode))?;
        super::audit(
            &mut tx,
            meta,
            "activation-code.create",
            owner.0.as_str(),
            owner.1.to_string(),
            name,
            format!("model={model}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}
