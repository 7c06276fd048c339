//! A device's lines (DEV-6): the owner on port 1, shared lines of other people and workspaces of
//! the same customer, and the members that could still be added.

use super::devices::owner_name;
use super::{member_columns, member_from, parse_uuid, Member};
use crate::list::{col, related, select_from, Filter};
use crate::{AuditMeta, PageRequest, Result, Store, StoreError};
use patchbay_domain::calling::{Line, LineType, MemberKind};
use patchbay_domain::{CustomerId, DeviceId, LocationId};
use sea_query::{Alias, Expr, JoinType, Query, UnionType};
use sqlx::Row;

/// A line on a device as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLine {
    pub port: i64,
    pub member: Member,
    pub primary_owner: bool,
    pub line_type: LineType,
    pub line_weight: i64,
}

/// The order of the members that can become lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AvailableOrder {
    /// By display name.
    #[default]
    Name,
    /// By last name, then first name (Webex `order=lname`).
    LastName,
    /// By first name, then last name (Webex `order=fname`).
    FirstName,
}

/// Which of the customer's people and workspaces to list as possible lines.
#[derive(Debug, Clone, Default)]
pub struct AvailableFilter {
    /// Contained in the name (case-insensitive).
    pub name: Option<String>,
    /// Digits contained in one of the member's numbers.
    pub phone_number: Option<String>,
    /// The extension, exactly.
    pub extension: Option<String>,
    pub location: Option<LocationId>,
    pub order: AvailableOrder,
}

/// The digits of a number filter, if it has any.
fn digits(v: Option<&str>) -> Option<String> {
    let d: String = v?.chars().filter(char::is_ascii_digit).collect();
    (!d.is_empty()).then_some(d)
}

/// What a line list shows of a member beyond its name (Webex members' `phoneNumber`,
/// `location`, `licenseType`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberDetails {
    pub phone_number: Option<String>,
    pub location_name: Option<String>,
    /// The stored licence of the person (`professional`, `basic`) or workspace
    /// (`professional`, `commonArea`); empty without one.
    pub licence: String,
}

impl Store {
    /// [`MemberDetails`] of these members, by id, in one query per kind.
    #[tracing::instrument(skip_all, fields(n = members.len()))]
    pub async fn member_details(
        &self,
        members: &[&Member],
    ) -> Result<std::collections::HashMap<uuid::Uuid, MemberDetails>> {
        let mut out = std::collections::HashMap::new();
        for (kind, table, alias, link) in [
            (MemberKind::People, "people", "p", "mn.person_id = p.id"),
            (
                MemberKind::Place,
                "workspaces",
                "w",
                "mn.workspace_id = w.id",
            ),
        ] {
            let ids: Vec<String> = members
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| m.id.to_string())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let number = Query::select()
                .expr(Expr::cust("MIN(mn.phone_number)"))
                .from_as(Alias::new("numbers"), Alias::new("mn"))
                .and_where(Expr::cust(link))
                .to_owned();
            let q = Query::select()
                .expr_as(col(&format!("{alias}.id")), Alias::new("id"))
                .expr_as(col(&format!("{alias}.license_kind")), Alias::new("lic"))
                .expr_as(col("ml.name"), Alias::new("loc_name"))
                .expr_as(
                    Expr::expr(sea_query::SimpleExpr::SubQuery(
                        None,
                        Box::new(number.into_sub_query_statement()),
                    )),
                    Alias::new("num"),
                )
                .from_as(Alias::new(table), Alias::new(alias))
                .join_as(
                    JoinType::LeftJoin,
                    Alias::new("locations"),
                    Alias::new("ml"),
                    Expr::cust(format!("ml.id = {alias}.location_id")),
                )
                .and_where(col(&format!("{alias}.id")).is_in(ids))
                .to_owned();
            for row in self.select_all(&q).await? {
                out.insert(
                    parse_uuid(&row.try_get::<String, _>("id")?)?,
                    MemberDetails {
                        phone_number: row.try_get("num")?,
                        location_name: row.try_get("loc_name")?,
                        licence: row.try_get("lic")?,
                    },
                );
            }
        }
        Ok(out)
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

    /// Replace a device's lines (DEV-6) with a plan from `domain::calling::plan_lines`, and their
    /// registrar subscribers with the keys `keys_for` makes from the device's sealed password as
    /// read inside the transaction, the device row locked (SIP-1): a password reset cannot slip
    /// between the read and the write. Every member must belong to the device's customer.
    #[tracing::instrument(skip_all, fields(%id, n = lines.len()))]
    pub async fn replace_device_lines(
        &self,
        meta: &AuditMeta,
        id: DeviceId,
        lines: &[Line<(MemberKind, uuid::Uuid)>],
        keys_for: &(dyn Fn(&str) -> Option<Vec<patchbay_domain::sip::SubscriberKey>> + Sync),
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let Some(row) = sqlx::query(&format!(
            "SELECT customer_id, display_name, sip_password FROM devices WHERE id = $1{}",
            self.lock_clause()
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Err(StoreError::NotFound);
        };
        let keys = keys_for(&row.try_get::<String, _>("sip_password")?)
            .ok_or_else(|| StoreError::Corrupt("a device's SIP password does not open".into()))?;
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
        super::subscribers::replace_subscribers(&mut tx, id, &keys).await?;
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
    /// it already, matching `f`.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn available_members(
        &self,
        customer: CustomerId,
        device: DeviceId,
        f: &AvailableFilter,
        page: PageRequest,
    ) -> Result<(Vec<Member>, i64)> {
        let (name, extension, location) = (f.name.as_deref(), f.extension.as_deref(), f.location);
        // People and workspaces, one query each side of a UNION ALL, filtered alike.
        let side = |table: &'static str,
                    alias: &'static str,
                    columns: &'static str,
                    line: &'static str,
                    number_link: &'static str| {
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
            let filter = match digits(f.phone_number.as_deref()) {
                Some(d) => filter.exists(
                    related("numbers", "mn", number_link),
                    col("mn.phone_number").like(format!("%{d}%")),
                ),
                None => filter,
            };
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
             NULL AS m_wname, NULL AS m_wext, NULL AS m_wloc, p.display_name AS sort_name, \
             p.first_name AS sort_first, p.last_name AS sort_last",
            "dl.person_id = p.id",
            "mn.person_id = p.id",
        );
        let places = side(
            "workspaces",
            "w",
            "NULL AS m_pid, NULL AS m_pname, NULL AS m_pfirst, NULL AS m_plast, NULL AS m_pext, \
             NULL AS m_ploc, w.id AS m_wid, w.display_name AS m_wname, w.extension AS m_wext, \
             w.location_id AS m_wloc, w.display_name AS sort_name, w.display_name AS sort_first, \
             w.display_name AS sort_last",
            "dl.workspace_id = w.id",
            "mn.workspace_id = w.id",
        );
        let both = people.clone().union(UnionType::All, places).to_owned();
        let mut q = Query::select()
            .expr(Expr::cust("*"))
            .from_subquery(both, Alias::new("u"))
            .to_owned();
        let order: &[&str] = match f.order {
            AvailableOrder::Name => &["sort_name", "m_pid", "m_wid"],
            AvailableOrder::LastName => {
                &["LOWER(sort_last)", "LOWER(sort_first)", "m_pid", "m_wid"]
            }
            AvailableOrder::FirstName => {
                &["LOWER(sort_first)", "LOWER(sort_last)", "m_pid", "m_wid"]
            }
        };
        crate::list::then_by(&mut q, order);
        let crate::Page { items: rows, total } =
            self.count_and_page(q, Filter::new(), page).await?;
        let items = rows
            .iter()
            .filter_map(|r| member_from(r).transpose())
            .collect::<Result<_>>()?;
        Ok((items, total))
    }
}
