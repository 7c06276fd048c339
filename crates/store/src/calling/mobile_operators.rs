//! MOB-1 … MOB-3: mobile operators and their tokens, a location's operator account and its
//! authorisation (every answer one guarded UPDATE), the numbers added through an authorised
//! account, the mobile device that comes with such a number given to a person, and support
//! cases.

use super::Tx;
use crate::{now_ms, ts, AuditMeta, Refusal, Result, Store, StoreError};
use patchbay_domain::mobile_operator::{
    effective, operator_device_mac, AuthStatus, Decision, PENDING_HOURS,
};
use patchbay_domain::{CustomerId, LocationId};
use sqlx::any::AnyRow;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileOperator {
    pub id: uuid::Uuid,
    pub name: String,
    pub created_at: jiff::Timestamp,
}

/// A location's operator account and its authorisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorAccount {
    pub id: uuid::Uuid,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub location_id: LocationId,
    pub location_name: String,
    pub operator_id: uuid::Uuid,
    pub operator_name: String,
    pub account_id: String,
    /// As stored; see [`OperatorAccount::status`].
    pub stored: AuthStatus,
    pub requested_at: jiff::Timestamp,
    pub decided_at: Option<jiff::Timestamp>,
}

impl OperatorAccount {
    /// The status now: Pending past its 48 hours is Failed.
    pub fn status(&self, now: jiff::Timestamp) -> AuthStatus {
        effective(
            self.stored,
            self.requested_at.as_millisecond(),
            now.as_millisecond(),
        )
    }
}

/// A support case: a request to the provider (MOB-2: mobile numbers it should add).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportCase {
    pub id: uuid::Uuid,
    pub customer_id: CustomerId,
    pub location_name: Option<String>,
    pub topic: String,
    pub details: String,
    pub status: String,
    pub created_by: String,
    pub created_at: jiff::Timestamp,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.customer_id, c.name AS customer_name, a.location_id, \
    l.name AS location_name, a.operator_id, o.name AS operator_name, a.account_id, a.status, \
    a.requested_at, a.decided_at";
const ACCOUNT_FROM: &str = "mobile_operator_accounts a JOIN customers c ON c.id = a.customer_id \
    JOIN locations l ON l.id = a.location_id JOIN mobile_operators o ON o.id = a.operator_id";

fn account_row(r: &AnyRow) -> Result<OperatorAccount> {
    let uuid = |c: &str| -> Result<uuid::Uuid> { super::parse_uuid(&r.try_get::<String, _>(c)?) };
    let status: String = r.try_get("status")?;
    Ok(OperatorAccount {
        id: uuid("id")?,
        customer_id: CustomerId(uuid("customer_id")?),
        customer_name: r.try_get("customer_name")?,
        location_id: LocationId(uuid("location_id")?),
        location_name: r.try_get("location_name")?,
        operator_id: uuid("operator_id")?,
        operator_name: r.try_get("operator_name")?,
        account_id: r.try_get("account_id")?,
        stored: AuthStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("operator account status {status:?}")))?,
        requested_at: ts(r.try_get("requested_at")?),
        decided_at: r.try_get::<Option<i64>, _>("decided_at")?.map(ts),
    })
}

fn operator_row(r: &AnyRow) -> Result<MobileOperator> {
    Ok(MobileOperator {
        id: super::parse_uuid(&r.try_get::<String, _>("id")?)?,
        name: r.try_get("name")?,
        created_at: ts(r.try_get("created_at")?),
    })
}

/// MOB-3: the person's mobile device follows their number: a device of a number they no longer
/// have goes, and an operator's number (one added through an operator account) brings its
/// device. In the transaction that set the number.
pub(crate) async fn sync_mobile_device(
    tx: &mut Tx,
    customer: CustomerId,
    person: uuid::Uuid,
    number: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM devices WHERE person_id = $1 AND mobile_number IS NOT NULL \
         AND ($2 = '' OR mobile_number <> $2)",
    )
    .bind(person.to_string())
    .bind(number.unwrap_or(""))
    .execute(&mut **tx)
    .await?;
    let Some(number) = number else { return Ok(()) };
    let operator = sqlx::query(
        "SELECT n.id FROM numbers n WHERE n.phone_number = $1 AND n.operator_account_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.mobile_number = $1)",
    )
    .bind(number)
    .fetch_optional(&mut **tx)
    .await?;
    if operator.is_none() {
        return Ok(());
    }
    let name: String = sqlx::query("SELECT display_name FROM people WHERE id = $1")
        .bind(person.to_string())
        .fetch_one(&mut **tx)
        .await?
        .try_get("display_name")?;
    let id = patchbay_domain::DeviceId::new();
    let mac = operator_device_mac(number);
    let model = patchbay_domain::mobile::MOBILE_MODEL;
    // The operator's network carries it: no SIP identity of ours, nothing to provision.
    sqlx::query(
        "INSERT INTO devices (id, customer_id, model, mac, display_name, search_key, person_id, workspace_id, \
         sip_user_name, sip_password, line_port, outbound_proxy, registrar, status, disclaimer_at, created_at, \
         prov_ha1, mobile_number) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,NULL,$8,'',$9,'','','disconnected',$10,$10,NULL,$9)",
    )
    .bind(id.to_string())
    .bind(customer.to_string())
    .bind(model)
    .bind(mac.as_str())
    .bind(name.as_str())
    .bind(super::key(&format!("{name} {model} {number}")))
    .bind(person.to_string())
    .bind(format!("mobile-{}", number.trim_start_matches('+')))
    .bind(number)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO device_lines (device_id, port, person_id, workspace_id, primary_owner, line_type, line_weight) \
         VALUES ($1, 1, $2, NULL, 1, 'PRIMARY', 1)",
    )
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// MOB-1: a new mobile operator with its first token (the hash of it).
    #[tracing::instrument(skip_all)]
    pub async fn create_mobile_operator(
        &self,
        meta: &AuditMeta,
        name: &str,
        token_hash: &str,
    ) -> Result<MobileOperator> {
        let id = uuid::Uuid::now_v7();
        let now = now_ms();
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO mobile_operators (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id.to_string())
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(crate::unique_as(crate::Taken::OperatorName))?;
        sqlx::query(
            "INSERT INTO mobile_operator_tokens (token_hash, operator_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(id.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        super::audit(
            &mut tx,
            meta,
            "mobile-operator.create",
            "mobile-operator",
            id.to_string(),
            name.to_string(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(MobileOperator {
            id,
            name: name.to_string(),
            created_at: ts(now),
        })
    }

    pub async fn mobile_operators(&self) -> Result<Vec<MobileOperator>> {
        let rows = sqlx::query("SELECT id, name, created_at FROM mobile_operators ORDER BY name")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(operator_row).collect()
    }

    pub async fn mobile_operator(&self, id: uuid::Uuid) -> Result<MobileOperator> {
        let row = sqlx::query("SELECT id, name, created_at FROM mobile_operators WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        operator_row(&row)
    }

    /// A new token for the operator; its previous ones stop working.
    #[tracing::instrument(skip_all, fields(%id))]
    pub async fn rotate_operator_token(
        &self,
        meta: &AuditMeta,
        id: uuid::Uuid,
        token_hash: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let op = sqlx::query(&format!(
            "SELECT name FROM mobile_operators WHERE id = $1{}",
            self.lock_clause()
        ))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("DELETE FROM mobile_operator_tokens WHERE operator_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO mobile_operator_tokens (token_hash, operator_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(id.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        super::audit(
            &mut tx,
            meta,
            "mobile-operator.token",
            "mobile-operator",
            id.to_string(),
            op.try_get("name")?,
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The operator a token (its hash) belongs to.
    pub async fn operator_by_token(&self, token_hash: &str) -> Result<Option<MobileOperator>> {
        let row = sqlx::query(
            "SELECT o.id, o.name, o.created_at FROM mobile_operator_tokens t \
             JOIN mobile_operators o ON o.id = t.operator_id WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(operator_row).transpose()
    }

    /// MOB-1: ask `operator` to authorise the location's account `account_id` (Pending). A
    /// location has one account, whose ID never changes: a second request is refused.
    #[tracing::instrument(skip_all, fields(%customer, %location))]
    pub async fn request_operator_account(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        location: LocationId,
        operator: uuid::Uuid,
        account_id: &str,
    ) -> Result<OperatorAccount> {
        let id = uuid::Uuid::now_v7();
        let mut tx = self.begin().await?;
        super::check_location(&mut tx, customer, Some(location.0)).await?;
        let known = sqlx::query("SELECT 1 AS x FROM mobile_operators WHERE id = $1")
            .bind(operator.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::Missing(crate::Missing::MobileOperator));
        }
        sqlx::query(
            "INSERT INTO mobile_operator_accounts (id, customer_id, location_id, operator_id, account_id, status, requested_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(customer.to_string())
        .bind(location.to_string())
        .bind(operator.to_string())
        .bind(account_id)
        .bind(AuthStatus::Pending.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(crate::unique_as(crate::Taken::OperatorAccount))?;
        super::audit(
            &mut tx,
            meta,
            "operator-account.request",
            "location",
            location.to_string(),
            account_id.to_string(),
            format!("operator={operator}"),
        )
        .await?;
        tx.commit().await?;
        self.operator_account(id).await
    }

    pub async fn operator_account(&self, id: uuid::Uuid) -> Result<OperatorAccount> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} WHERE a.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        account_row(&row)
    }

    /// The location's operator account, if it has one.
    pub async fn location_operator_account(
        &self,
        location: LocationId,
    ) -> Result<Option<OperatorAccount>> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} WHERE a.location_id = $1"
        ))
        .bind(location.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(account_row).transpose()
    }

    /// The accounts asking `operator`, oldest request first (at most 1,000; of `status` as it
    /// stands now, when given).
    pub async fn operator_accounts(
        &self,
        operator: uuid::Uuid,
        status: Option<AuthStatus>,
    ) -> Result<Vec<OperatorAccount>> {
        let stale = now_ms() - PENDING_HOURS * 3_600_000;
        let (stored, window) = match status {
            None => ("", 0),
            Some(AuthStatus::Pending) => ("pending", 1),
            Some(AuthStatus::Failed) => ("failed", 2),
            Some(AuthStatus::Authorized) => ("authorized", 0),
        };
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {ACCOUNT_FROM} WHERE a.operator_id = $1 AND ( \
             $2 = '' OR ($3 = 0 AND a.status = $2) OR ($3 = 1 AND a.status = 'pending' AND a.requested_at > $4) \
             OR ($3 = 2 AND (a.status = 'failed' OR (a.status = 'pending' AND a.requested_at <= $4)))) \
             ORDER BY a.requested_at, a.id LIMIT 1000"
        ))
        .bind(operator.to_string())
        .bind(stored)
        .bind(window)
        .bind(stale)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_row).collect()
    }

    /// MOB-1: the operator's answer, one guarded UPDATE: authorising applies to a Pending or
    /// Failed account (an expired request included), failing to a Pending one still within its
    /// 48 hours. Another operator's account is not found.
    #[tracing::instrument(skip_all, fields(%operator, %id))]
    pub async fn decide_operator_account(
        &self,
        meta: &AuditMeta,
        operator: uuid::Uuid,
        id: uuid::Uuid,
        decision: Decision,
    ) -> Result<OperatorAccount> {
        let now = now_ms();
        let stale = now - PENDING_HOURS * 3_600_000;
        let mut tx = self.begin().await?;
        let done = match decision {
            Decision::Authorized => {
                sqlx::query(
                    "UPDATE mobile_operator_accounts SET status = $1, decided_at = $2 \
                     WHERE id = $3 AND operator_id = $4 AND status IN ('pending', 'failed')",
                )
                .bind(AuthStatus::Authorized.as_str())
                .bind(now)
                .bind(id.to_string())
                .bind(operator.to_string())
                .execute(&mut *tx)
                .await?
            }
            Decision::Failed => {
                sqlx::query(
                    "UPDATE mobile_operator_accounts SET status = $1, decided_at = $2 \
                     WHERE id = $3 AND operator_id = $4 AND status = 'pending' AND requested_at > $5",
                )
                .bind(AuthStatus::Failed.as_str())
                .bind(now)
                .bind(id.to_string())
                .bind(operator.to_string())
                .bind(stale)
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() == 0 {
            let mine = sqlx::query(
                "SELECT 1 AS x FROM mobile_operator_accounts WHERE id = $1 AND operator_id = $2",
            )
            .bind(id.to_string())
            .bind(operator.to_string())
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match mine {
                Some(_) => StoreError::Refused(Refusal::OperatorDecision),
                None => StoreError::NotFound,
            });
        }
        super::audit(
            &mut tx,
            meta,
            "operator-account.decide",
            "operator-account",
            id.to_string(),
            String::new(),
            format!("status={}", decision.status().as_str()),
        )
        .await?;
        tx.commit().await?;
        self.operator_account(id).await
    }

    /// Requests left Pending past their 48 hours become Failed (reads already say so).
    pub async fn expire_operator_accounts(&self) -> Result<u64> {
        let now = now_ms();
        let done = sqlx::query(
            "UPDATE mobile_operator_accounts SET status = 'failed', decided_at = $1 \
             WHERE status = 'pending' AND requested_at <= $2",
        )
        .bind(now)
        .bind(now - PENDING_HOURS * 3_600_000)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// The numbers of `numbers` already known to the hub (any customer).
    pub async fn existing_numbers(&self, numbers: &[String]) -> Result<Vec<String>> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = sea_query::Query::select();
        stmt.column(sea_query::Alias::new("phone_number"))
            .from(sea_query::Alias::new("numbers"))
            .and_where(crate::list::col("phone_number").is_in(numbers.iter().cloned()));
        self.select_all(&stmt)
            .await?
            .iter()
            .map(|r| Ok(r.try_get("phone_number")?))
            .collect()
    }

    /// MOB-2: add the operator's mobile numbers to the location, all or none, while its account
    /// is authorised (checked under the account's lock).
    #[tracing::instrument(skip_all, fields(%location, n = numbers.len()))]
    pub async fn add_operator_numbers(
        &self,
        meta: &AuditMeta,
        location: LocationId,
        numbers: &[String],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(&format!(
            "SELECT id, customer_id, status, requested_at FROM mobile_operator_accounts \
             WHERE location_id = $1{}",
            self.lock_clause()
        ))
        .bind(location.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::Refused(Refusal::OperatorNotAuthorized))?;
        if row.try_get::<String, _>("status")? != AuthStatus::Authorized.as_str() {
            return Err(StoreError::Refused(Refusal::OperatorNotAuthorized));
        }
        let account: String = row.try_get("id")?;
        let customer: String = row.try_get("customer_id")?;
        super::numbers::insert_numbers(
            &mut tx,
            &customer,
            location,
            numbers,
            patchbay_domain::calling::NumberKind::Mobile,
            true,
            Some(&account),
        )
        .await?;
        super::audit(
            &mut tx,
            meta,
            "numbers.add-mobile",
            "location",
            location.to_string(),
            String::new(),
            numbers.join(","),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// MOB-2: a support case of the customer (about a location, when given).
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_support_case(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        location: Option<LocationId>,
        topic: &str,
        details: &str,
    ) -> Result<uuid::Uuid> {
        let id = uuid::Uuid::now_v7();
        let mut tx = self.begin().await?;
        super::check_location(&mut tx, customer, location.map(|l| l.0)).await?;
        sqlx::query(
            "INSERT INTO support_cases (id, customer_id, location_id, topic, details, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $7)",
        )
        .bind(id.to_string())
        .bind(customer.to_string())
        .bind(location.map(|l| l.to_string()))
        .bind(topic)
        .bind(details)
        .bind(meta.actor_login.as_str())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        super::audit(
            &mut tx,
            meta,
            "support-case.create",
            "customer",
            customer.to_string(),
            topic.to_string(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The customer's support cases, newest first.
    pub async fn support_cases(&self, customer: CustomerId) -> Result<Vec<SupportCase>> {
        let rows = sqlx::query(
            "SELECT s.id, s.customer_id, l.name AS location_name, s.topic, s.details, s.status, \
             s.created_by, s.created_at FROM support_cases s LEFT JOIN locations l ON l.id = s.location_id \
             WHERE s.customer_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT 200",
        )
        .bind(customer.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SupportCase {
                    id: super::parse_uuid(&r.try_get::<String, _>("id")?)?,
                    customer_id: CustomerId(super::parse_uuid(
                        &r.try_get::<String, _>("customer_id")?,
                    )?),
                    location_name: r.try_get("location_name")?,
                    topic: r.try_get("topic")?,
                    details: r.try_get("details")?,
                    status: r.try_get("status")?,
                    created_by: r.try_get("created_by")?,
                    created_at: ts(r.try_get("created_at")?),
                })
            })
            .collect()
    }

    /// Tests: make the location's request `hours` older.
    #[doc(hidden)]
    pub async fn age_operator_account_for_tests(&self, id: uuid::Uuid, hours: i64) -> Result<()> {
        sqlx::query(
            "UPDATE mobile_operator_accounts SET requested_at = requested_at - $1 WHERE id = $2",
        )
        .bind(hours * 3_600_000)
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
