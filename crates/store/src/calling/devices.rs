//! The device catalogue (DEV-1), devices with their SIP identity (DEV-3, DEV-4), their lines
//! (DEV-6) and activation codes.

use super::{key, member_columns, member_from, parse_uuid, Member, Tx};
use crate::list::{col, related, select_from, Filter};
use crate::{now_ms, ts, AuditMeta, PageRequest, Result, Store, StoreError};
use patchbay_domain::calling::{Line, LineType, MemberKind};
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::{ActivationCodeId, CustomerId, DeviceId, LocationId};
use sea_query::{Alias, Cond, Expr, JoinType, Query, SelectStatement, UnionType};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A catalogue entry (Webex `SupportedDevice`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceModel {
    /// The name clients send as `model`.
    pub model: String,
    pub display_name: String,
    pub vendor: String,
    /// `GENERIC_SIP`, `ATA`, `DESK_PHONE`, `MPP`, `ESIM`.
    pub device_type: String,
    /// `THIRD_PARTY` or `CISCO`.
    pub manufacturer: String,
    /// `CUSTOMER` or `PARTNER` (DEV-1).
    pub managed_by: String,
    /// `PEOPLE`, `PLACE`.
    pub supported_for: Vec<String>,
    /// `MAC_ADDRESS`, `ACTIVATION_CODE`, `NONE`.
    pub onboarding: Vec<String>,
    pub line_ports: i64,
    /// Fax service: the MAC is a generated placeholder (DEV-1).
    pub fax: bool,
}

impl DeviceModel {
    pub fn partner_managed(&self) -> bool {
        self.managed_by == "PARTNER"
    }
    pub fn supports(&self, kind: MemberKind) -> bool {
        self.supported_for.iter().any(|s| s == kind.as_str())
    }
}

const MODEL_COLUMNS: &str =
    "model, display_name, vendor, device_type, manufacturer, managed_by, supported_for, \
    onboarding, line_ports, fax";

fn split(s: String) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn model_from(row: &AnyRow) -> Result<DeviceModel> {
    Ok(DeviceModel {
        model: row.try_get("model")?,
        display_name: row.try_get("display_name")?,
        vendor: row.try_get("vendor")?,
        device_type: row.try_get("device_type")?,
        manufacturer: row.try_get("manufacturer")?,
        managed_by: row.try_get("managed_by")?,
        supported_for: split(row.try_get("supported_for")?),
        onboarding: split(row.try_get("onboarding")?),
        line_ports: row.try_get("line_ports")?,
        fax: crate::get_flag(row, "fax")?,
    })
}

/// A new device with its generated (or supplied, partner-managed) SIP identity. The password
/// arrives sealed; the store never sees it in clear.
#[derive(Debug, Clone)]
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
    pub created_at: jiff::Timestamp,
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
}

/// A line on a device as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLine {
    pub port: i64,
    pub member: Member,
    pub primary_owner: bool,
    pub line_type: LineType,
    pub line_weight: i64,
}

const DEVICE_COLUMNS: &str = concat!(
    "d.id, d.customer_id, d.mac, d.display_name, d.sip_user_name, d.line_port, \
     d.outbound_proxy, d.registrar, d.status, d.created_at, m.model, \
     m.display_name AS model_display_name, m.vendor, m.device_type, m.manufacturer, m.managed_by, \
     m.supported_for, m.onboarding, m.line_ports, m.fax, ",
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
    let model = DeviceModel {
        model: row.try_get("model")?,
        display_name: row.try_get("model_display_name")?,
        vendor: row.try_get("vendor")?,
        device_type: row.try_get("device_type")?,
        manufacturer: row.try_get("manufacturer")?,
        managed_by: row.try_get("managed_by")?,
        supported_for: split(row.try_get("supported_for")?),
        onboarding: split(row.try_get("onboarding")?),
        line_ports: row.try_get("line_ports")?,
        fax: crate::get_flag(row, "fax")?,
    };
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
        created_at: ts(row.try_get("created_at")?),
    })
}

/// The owner's name and that it belongs to `customer`, inside `tx`.
async fn owner_name(
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

impl Store {
    /// The catalogue, generic profiles first, then by vendor and name.
    #[tracing::instrument(skip_all)]
    pub async fn device_models(&self) -> Result<Vec<DeviceModel>> {
        let rows = sqlx::query(&format!(
            "SELECT {MODEL_COLUMNS} FROM device_models ORDER BY managed_by, CASE WHEN vendor = 'Generic' THEN 0 ELSE 1 END, vendor, display_name"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(model_from).collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn device_model(&self, model: &str) -> Result<DeviceModel> {
        let row = sqlx::query(&format!(
            "SELECT {MODEL_COLUMNS} FROM device_models WHERE model = $1"
        ))
        .bind(model)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        model_from(&row)
    }

    /// Add a model to the catalogue (the provider extends it; DEV-1).
    #[tracing::instrument(skip_all, fields(model = m.model))]
    pub async fn add_device_model(&self, meta: &AuditMeta, m: &DeviceModel) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(&format!(
            "INSERT INTO device_models ({MODEL_COLUMNS}, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
        ))
        .bind(m.model.as_str())
        .bind(m.display_name.as_str())
        .bind(m.vendor.as_str())
        .bind(m.device_type.as_str())
        .bind(m.manufacturer.as_str())
        .bind(m.managed_by.as_str())
        .bind(m.supported_for.join(","))
        .bind(m.onboarding.join(","))
        .bind(m.line_ports)
        .bind(crate::flag(m.fax))
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::DeviceModel))?;
        super::audit(
            &mut tx,
            meta,
            "device-model.create",
            "device-model",
            m.model.clone(),
            m.display_name.clone(),
            format!("managedBy={} ports={}", m.managed_by, m.line_ports),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remove a model no device uses.
    #[tracing::instrument(skip_all)]
    pub async fn delete_device_model(&self, meta: &AuditMeta, model: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let used = sqlx::query("SELECT 1 AS x FROM devices WHERE model = $1")
            .bind(model)
            .fetch_optional(&mut *tx)
            .await?;
        if used.is_some() {
            return Err(StoreError::InUse(crate::InUse::DeviceModel));
        }
        let done = sqlx::query("DELETE FROM device_models WHERE model = $1")
            .bind(model)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        super::audit(
            &mut tx,
            meta,
            "device-model.delete",
            "device-model",
            model.to_string(),
            model.to_string(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

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

    /// Create a device for its owner, in one transaction: owner check, WSP-2 device limit,
    /// device row (MAC and SIP user name unique), its primary line, audit record.
    #[tracing::instrument(skip_all, fields(%customer, model = d.model))]
    pub async fn create_device(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        d: &NewDevice,
    ) -> Result<DeviceId> {
        let id = DeviceId::new();
        let mut tx = self.begin().await?;
        let name = owner_name(&mut tx, customer, d.owner_kind, d.owner_id).await?;
        if d.owner_kind == MemberKind::Place {
            let row = sqlx::query("SELECT license_kind FROM workspaces WHERE id = $1")
                .bind(d.owner_id.to_string())
                .fetch_one(&mut *tx)
                .await?;
            let limit = WorkspaceLicence::parse(&row.try_get::<String, _>("license_kind")?)
                .map(|l| l.device_limit() as i64)
                .unwrap_or(0);
            let done = sqlx::query(&format!(
                "UPDATE workspaces SET device_count = device_count + 1 WHERE id = $1 AND device_count < {limit}"
            ))
            .bind(d.owner_id.to_string())
            .execute(&mut *tx)
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
             sip_user_name, sip_password, line_port, outbound_proxy, registrar, status, disclaimer_at, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'disconnected',$14,$14)",
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
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                if db.message().contains("sip_user_name")
                    || db.constraint().is_some_and(|c| c.contains("sip_user_name"))
                {
                    StoreError::Taken(crate::Taken::SipUserName)
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
        .execute(&mut *tx)
        .await?;
        super::audit(
            &mut tx,
            meta,
            "device.create",
            "device",
            id.to_string(),
            name,
            format!("model={} mac={}", d.model, d.mac),
        )
        .await?;
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
        sqlx::query("DELETE FROM devices WHERE id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
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

    /// Replace the SIP password (DEV-5); the value arrives sealed.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn set_device_password(
        &self,
        meta: &AuditMeta,
        id: DeviceId,
        sealed: &str,
        action: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE devices SET sip_password = $1 WHERE id = $2")
            .bind(sealed)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
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

    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn device_lines(&self, id: DeviceId) -> Result<Vec<DeviceLine>> {
        const LINE_COLUMNS: &str = concat!(
            "dl.port, dl.primary_owner, dl.line_type, dl.line_weight, ",
            member_columns!()
        );
        let mut q = select_from(
            LINE_COLUMNS,
            ("device_lines", "dl"),
            &[
                (JoinType::LeftJoin, "people", "p", "p.id = dl.person_id"),
                (
                    JoinType::LeftJoin,
                    "workspaces",
                    "w",
                    "w.id = dl.workspace_id",
                ),
            ],
        );
        q.and_where(col("dl.device_id").eq(id.to_string()));
        crate::list::then_by(&mut q, &["dl.port"]);
        let rows = self.select_all(&q).await?;
        rows.iter()
            .filter_map(|row| match member_from(row) {
                Ok(Some(member)) => Some((|| {
                    Ok(DeviceLine {
                        port: row.try_get("port")?,
                        member,
                        primary_owner: crate::get_flag(row, "primary_owner")?,
                        line_type: LineType::parse(&row.try_get::<String, _>("line_type")?)
                            .unwrap_or(LineType::SharedCallAppearance),
                        line_weight: row.try_get("line_weight")?,
                    })
                })()),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            })
            .collect()
    }

    /// Replace a device's lines (DEV-6) with a plan from `domain::calling::plan_lines`. Every
    /// member must belong to the device's customer.
    #[tracing::instrument(skip_all, fields(%id, n = lines.len()))]
    pub async fn replace_device_lines(
        &self,
        meta: &AuditMeta,
        id: DeviceId,
        lines: &[Line<(MemberKind, uuid::Uuid)>],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let Some(row) = sqlx::query("SELECT customer_id, display_name FROM devices WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::NotFound);
        };
        let customer = CustomerId(parse_uuid(&row.try_get::<String, _>("customer_id")?)?);
        sqlx::query("DELETE FROM device_lines WHERE device_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        for l in lines {
            let (kind, member) = l.member;
            owner_name(&mut tx, customer, kind, member)
                .await
                .map_err(|e| match e {
                    StoreError::Missing(_) => StoreError::Missing(crate::Missing::LineMember),
                    other => other,
                })?;
            let (p, w) = Member::columns(kind, member);
            sqlx::query(
                "INSERT INTO device_lines (device_id, port, person_id, workspace_id, primary_owner, line_type, line_weight) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7)",
            )
            .bind(id.to_string())
            .bind(i64::from(l.port))
            .bind(p)
            .bind(w)
            .bind(crate::flag(l.primary_owner))
            .bind(l.line_type.as_str())
            .bind(i64::from(l.line_weight))
            .execute(&mut *tx)
            .await?;
        }
        super::audit(
            &mut tx,
            meta,
            "device.lines",
            "device",
            id.to_string(),
            row.try_get("display_name")?,
            format!("lines={}", lines.len()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// People and workspaces of the customer that could be added as a line of `device`: not on
    /// it already, matching a name (contains), extension or number.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn available_members(
        &self,
        customer: CustomerId,
        device: DeviceId,
        name: Option<&str>,
        extension: Option<&str>,
        location: Option<LocationId>,
        page: PageRequest,
    ) -> Result<(Vec<Member>, i64)> {
        // People and workspaces, one query each side of a UNION ALL, filtered alike.
        let side = |table: &'static str,
                    alias: &'static str,
                    columns: &'static str,
                    line: &'static str| {
            let a = |c: &str| format!("{alias}.{c}");
            let not_a_line = related("device_lines", "dl", line)
                .and_where(col("dl.device_id").eq(device.to_string()))
                .to_owned();
            let filter = Filter::new()
                .eq(&a("customer_id"), Some(customer.to_string()))
                .and(Expr::exists(not_a_line).not())
                .contains_any(&[a("search_key").as_str()], name)
                .eq(
                    &a("extension"),
                    extension
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                )
                .eq(&a("location_id"), location.map(|l| l.to_string()));
            Query::select()
                .expr(Expr::cust(columns))
                .from_as(Alias::new(table), Alias::new(alias))
                .cond_where(filter.condition())
                .to_owned()
        };
        let people = side(
            "people",
            "p",
            "p.id AS m_pid, p.display_name AS m_pname, p.first_name AS m_pfirst, \
             p.last_name AS m_plast, p.extension AS m_pext, p.location_id AS m_ploc, NULL AS m_wid, \
             NULL AS m_wname, NULL AS m_wext, NULL AS m_wloc, p.display_name AS sort_name",
            "dl.person_id = p.id",
        );
        let places = side(
            "workspaces",
            "w",
            "NULL AS m_pid, NULL AS m_pname, NULL AS m_pfirst, NULL AS m_plast, NULL AS m_pext, \
             NULL AS m_ploc, w.id AS m_wid, w.display_name AS m_wname, w.extension AS m_wext, \
             w.location_id AS m_wloc, w.display_name AS sort_name",
            "dl.workspace_id = w.id",
        );
        let both = people.clone().union(UnionType::All, places).to_owned();
        let mut q = Query::select()
            .expr(Expr::cust("*"))
            .from_subquery(both, Alias::new("u"))
            .to_owned();
        crate::list::then_by(&mut q, &["sort_name"]);
        let crate::Page { items: rows, total } =
            self.count_and_page(q, Filter::new(), page).await?;
        let items = rows
            .iter()
            .filter_map(|r| member_from(r).transpose())
            .collect::<Result<_>>()?;
        Ok((items, total))
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
