//! Mobile lines (WGO-1 … WGO-5): the subscriptions that carry them, the line created with its
//! activation code in one transaction, and the one-time redemption of that code.

use super::devices::{insert_owned, NewDevice};
use super::{assign_number, Tx};
use crate::{now_ms, ts, AuditMeta, Refusal, Result, Store, StoreError};
use patchbay_domain::calling::MemberKind;
use patchbay_domain::sip::SubscriberKey;
use patchbay_domain::{ActivationCodeId, CustomerId, DeviceId, PersonId};
use sqlx::Row;

/// A subscription of a customer carrying mobile lines, with its units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileSubscription {
    pub subscription_id: String,
    pub total_units: i64,
    pub consumed_units: i64,
}

impl MobileSubscription {
    pub fn free(&self) -> i64 {
        (self.total_units - self.consumed_units).max(0)
    }
}

/// A new mobile line: its device, the subscription its unit comes from, the number the person
/// gets when they had none, and its activation code.
#[derive(Debug, Clone)]
pub struct NewMobileLine {
    pub device: NewDevice,
    pub subscription_id: String,
    /// (location, number) to give the person.
    pub number: Option<(uuid::Uuid, String)>,
    pub code_hash: String,
    pub expires_at: jiff::Timestamp,
    /// The person as the prerequisites were checked on: checked again under the person's lock,
    /// so a change meanwhile (licence, location, a number given) refuses the line.
    pub location: Option<uuid::Uuid>,
    pub had_number: bool,
    /// The activation mail, queued with the line (nothing without a relay or when suppressed).
    pub mail: Option<crate::outbox::NewMail>,
    /// WGO-4: the bulk import row this line is, its outcome written with it.
    pub import_row: Option<super::mobile_imports::ImportRowRef>,
}

/// A person's mobile line and the state of its latest activation code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileLine {
    pub device_id: DeviceId,
    pub person_id: PersonId,
    pub person_name: String,
    pub email: String,
    pub subscription_id: String,
    pub code_expires_at: Option<jiff::Timestamp>,
    pub activated_at: Option<jiff::Timestamp>,
    pub created_at: jiff::Timestamp,
}

impl MobileLine {
    /// `activated`, `pending` (a code that can still be used) or `expired`.
    pub fn state(&self, now: jiff::Timestamp) -> &'static str {
        match (self.activated_at, self.code_expires_at) {
            (Some(_), _) => "activated",
            (None, Some(e)) if e > now => "pending",
            _ => "expired",
        }
    }
}

/// What a redeemed code activates: the line's SIP identity (the new password is the caller's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub device_id: DeviceId,
    pub customer_id: CustomerId,
    pub sip_user_name: String,
    pub line_port: String,
    pub registrar: String,
    pub outbound_proxy: String,
}

/// Take one line of `subscription`, or refuse when none is left.
async fn take_unit(tx: &mut Tx, customer: CustomerId, subscription: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE mobile_subscriptions SET consumed_units = consumed_units + 1 \
         WHERE customer_id = $1 AND subscription_id = $2 AND consumed_units < total_units",
    )
    .bind(customer.to_string())
    .bind(subscription)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Refused(Refusal::MobileSubscriptionExhausted));
    }
    Ok(())
}

/// Delete a person's mobile lines; the (customer, subscription) of each one deleted, to give
/// back.
pub(crate) async fn delete_lines_of(tx: &mut Tx, person: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "DELETE FROM devices WHERE person_id = $1 AND mobile_subscription IS NOT NULL \
         RETURNING customer_id, mobile_subscription",
    )
    .bind(person)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("customer_id")?, r.try_get("mobile_subscription")?)))
        .collect()
}

/// Give back the units of deleted mobile lines (after the DELETE that removed them succeeded,
/// so two concurrent deletes give back once).
pub(crate) async fn give_back(tx: &mut Tx, units: &[(String, String)]) -> Result<()> {
    for (customer, subscription) in units {
        sqlx::query(
            "UPDATE mobile_subscriptions SET consumed_units = consumed_units - 1 \
             WHERE customer_id = $1 AND subscription_id = $2 AND consumed_units > 0",
        )
        .bind(customer.as_str())
        .bind(subscription.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Set the lines of each given mobile subscription, creating it when new; a total below the
/// lines taken is refused by the table's CHECK, atomically.
pub(crate) async fn upsert_subscriptions(
    tx: &mut Tx,
    customer: CustomerId,
    totals: &[(String, i64)],
) -> Result<()> {
    for (id, total) in totals {
        sqlx::query(
            "INSERT INTO mobile_subscriptions (customer_id, subscription_id, total_units, consumed_units, created_at) \
             VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (customer_id, subscription_id) DO UPDATE SET total_units = excluded.total_units",
        )
        .bind(customer.to_string())
        .bind(id.as_str())
        .bind(*total)
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(check_violation)?;
    }
    Ok(())
}

/// A mobile line's activation code (its hash), with the line's customer, person and model, and
/// its mail queued in the same transaction.
async fn insert_code(
    tx: &mut Tx,
    meta: &AuditMeta,
    device: DeviceId,
    code_hash: &str,
    expires_at: jiff::Timestamp,
    mail: Option<&crate::outbox::NewMail>,
) -> Result<ActivationCodeId> {
    let code = ActivationCodeId::new();
    sqlx::query(
        "INSERT INTO activation_codes (id, customer_id, person_id, workspace_id, model, code_hash, expires_at, created_at, device_id) \
         SELECT $1, customer_id, person_id, NULL, model, $2, $3, $4, id FROM devices WHERE id = $5",
    )
    .bind(code.to_string())
    .bind(code_hash)
    .bind(expires_at.as_millisecond())
    .bind(now_ms())
    .bind(device.to_string())
    .execute(&mut **tx)
    .await
    .map_err(crate::unique_as(crate::Taken::ActivationCode))?;
    if let Some(m) = mail {
        crate::outbox::insert_mail(tx, meta, m, "queued").await?;
    }
    Ok(code)
}

/// The line of [`Store::create_mobile_line`], in `tx`.
async fn line_in(
    store: &Store,
    tx: &mut Tx,
    meta: &AuditMeta,
    customer: CustomerId,
    line: &NewMobileLine,
) -> Result<(DeviceId, ActivationCodeId)> {
    // The subscription's unit first (its row locked by the UPDATE), then the person's row: the
    // order every line takes, so a bulk chunk (which keeps the subscription's row locked to its
    // end) and a single line never wait on each other crosswise. A refusal after it undoes it
    // with the rest.
    take_unit(tx, customer, &line.subscription_id).await?;
    let person = sqlx::query(&format!(
        "SELECT p.display_name, p.license_kind, p.location_id, \
         (SELECT COUNT(*) FROM numbers n WHERE n.person_id = p.id) AS numbers \
         FROM people p WHERE p.id = $1 AND p.customer_id = $2{}",
        store.lock_of("p")
    ))
    .bind(line.device.owner_id.to_string())
    .bind(customer.to_string())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::Missing(crate::Missing::Person))?;
    let same = person.try_get::<String, _>("license_kind")?
        == patchbay_domain::calling::LicenceKind::Professional.as_str()
        && super::opt_uuid(&person, "location_id")? == line.location
        && (person.try_get::<i64, _>("numbers")? > 0) == line.had_number;
    if !same {
        return Err(StoreError::Refused(Refusal::MobileChanged));
    }
    let device = insert_owned(
        tx,
        meta,
        customer,
        &line.device,
        person.try_get("display_name")?,
        Some(&line.subscription_id),
    )
    .await?;
    if let Some(row) = &line.import_row {
        super::mobile_imports::insert_success(tx, row, device).await?;
    }
    if let Some((location, number)) = &line.number {
        assign_number(
            tx,
            customer,
            *location,
            number,
            MemberKind::People,
            line.device.owner_id,
        )
        .await?;
    }
    let code = insert_code(
        tx,
        meta,
        device,
        &line.code_hash,
        line.expires_at,
        line.mail.as_ref(),
    )
    .await?;
    super::audit(
        tx,
        meta,
        "mobile-line.create",
        "device",
        device.to_string(),
        String::new(),
        format!(
            "subscription={} number={}",
            line.subscription_id,
            line.number.as_ref().map(|n| n.1.as_str()).unwrap_or("")
        ),
    )
    .await?;
    Ok((device, code))
}

/// WGO-4: many mobile lines in one transaction, each in a savepoint of its own — a refused line
/// leaves nothing, the others stay — with the refused rows' outcomes; all of it lands at
/// [`MobileBatch::commit`] (SQLite writes each changed page once per batch instead of once per
/// line), or none of it.
pub struct MobileBatch {
    store: Store,
    tx: Tx,
}

impl MobileBatch {
    /// [`Store::create_mobile_line`] in the batch.
    pub async fn create_mobile_line(
        &mut self,
        meta: &AuditMeta,
        customer: CustomerId,
        line: &NewMobileLine,
    ) -> Result<(DeviceId, ActivationCodeId)> {
        sqlx::query("SAVEPOINT mobile_line")
            .execute(&mut *self.tx)
            .await?;
        let made = line_in(&self.store, &mut self.tx, meta, customer, line).await;
        if made.is_err() {
            sqlx::query("ROLLBACK TO SAVEPOINT mobile_line")
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query("RELEASE SAVEPOINT mobile_line")
            .execute(&mut *self.tx)
            .await?;
        made
    }

    /// [`Store::record_import_failures`] in the batch.
    pub async fn record_failures(
        &mut self,
        id: patchbay_domain::MobileImportId,
        rows: &[(i64, String, Vec<patchbay_domain::mobile_bulk::RowReason>)],
    ) -> Result<()> {
        super::mobile_imports::insert_failures(&mut self.tx, id, rows).await
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

fn check_violation(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_check_violation() => {
            StoreError::Refused(Refusal::MobileBelowConsumed)
        }
        _ => StoreError::Db(e),
    }
}

impl Store {
    /// The customer's mobile subscriptions, by id.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn mobile_subscriptions(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<MobileSubscription>> {
        let rows = sqlx::query(
            "SELECT subscription_id, total_units, consumed_units FROM mobile_subscriptions \
             WHERE customer_id = $1 ORDER BY subscription_id",
        )
        .bind(customer.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MobileSubscription {
                    subscription_id: r.try_get("subscription_id")?,
                    total_units: r.try_get("total_units")?,
                    consumed_units: r.try_get("consumed_units")?,
                })
            })
            .collect()
    }

    /// WGO-2: whether the organisation suppresses e-mail to its users.
    pub async fn suppresses_email(&self, customer: CustomerId) -> Result<bool> {
        let row = sqlx::query("SELECT suppress_email FROM customers WHERE id = $1")
            .bind(customer.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get::<i64, _>("suppress_email")? != 0)
    }

    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn set_suppress_email(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        suppress: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE customers SET suppress_email = $1 WHERE id = $2")
            .bind(i64::from(suppress))
            .bind(customer.to_string())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        super::audit(
            &mut tx,
            meta,
            "customer.suppress-email",
            "customer",
            customer.to_string(),
            String::new(),
            format!("suppress={suppress}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// WGO-1/WGO-2: the person's mobile line, its subscription unit, their new number (when
    /// they had none) and its activation code, all or nothing.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn create_mobile_line(
        &self,
        meta: &AuditMeta,
        customer: CustomerId,
        line: &NewMobileLine,
    ) -> Result<(DeviceId, ActivationCodeId)> {
        let mut tx = self.begin().await?;
        let made = line_in(self, &mut tx, meta, customer, line).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// WGO-4: a transaction for many lines, each its own savepoint (see [`MobileBatch`]).
    pub async fn mobile_batch(&self) -> Result<MobileBatch> {
        Ok(MobileBatch {
            store: self.clone(),
            tx: self.begin().await?,
        })
    }

    /// WGO-2: a new activation code for a mobile line not yet activated; the codes it had
    /// before stop working.
    #[tracing::instrument(skip_all, fields(%device))]
    pub async fn reissue_activation_code(
        &self,
        meta: &AuditMeta,
        device: DeviceId,
        code_hash: &str,
        expires_at: jiff::Timestamp,
        mail: Option<&crate::outbox::NewMail>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(&format!(
            "SELECT id FROM devices WHERE id = $1 AND mobile_subscription IS NOT NULL{}",
            self.lock_clause()
        ))
        .bind(device.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let activated = sqlx::query(
            "SELECT COUNT(*) AS n FROM activation_codes WHERE device_id = $1 AND used_at IS NOT NULL",
        )
        .bind(device.to_string())
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?;
        if activated > 0 {
            return Err(StoreError::Refused(Refusal::MobileActivated));
        }
        sqlx::query("DELETE FROM activation_codes WHERE device_id = $1")
            .bind(device.to_string())
            .execute(&mut *tx)
            .await?;
        insert_code(&mut tx, meta, device, code_hash, expires_at, mail).await?;
        super::audit(
            &mut tx,
            meta,
            "activation-code.reissue",
            "device",
            device.to_string(),
            String::new(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The customer's mobile lines (of `person` only, when given) with their activation
    /// state, by person name.
    #[tracing::instrument(skip_all, fields(%customer))]
    pub async fn mobile_lines(
        &self,
        customer: CustomerId,
        person: Option<PersonId>,
    ) -> Result<Vec<MobileLine>> {
        let rows = sqlx::query(
            "SELECT d.id, d.person_id, p.display_name, p.email, d.mobile_subscription, d.created_at, \
             (SELECT MAX(a.expires_at) FROM activation_codes a WHERE a.device_id = d.id) AS expires_at, \
             (SELECT MAX(a.used_at) FROM activation_codes a WHERE a.device_id = d.id) AS used_at \
             FROM devices d JOIN people p ON p.id = d.person_id \
             WHERE d.customer_id = $1 AND d.mobile_subscription IS NOT NULL \
             AND ($2 = '' OR d.person_id = $2) \
             ORDER BY p.display_name, d.id LIMIT 10000",
        )
        .bind(customer.to_string())
        .bind(person.map(|p| p.to_string()).unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MobileLine {
                    device_id: DeviceId(super::parse_uuid(&r.try_get::<String, _>("id")?)?),
                    person_id: PersonId(super::parse_uuid(&r.try_get::<String, _>("person_id")?)?),
                    person_name: r.try_get("display_name")?,
                    email: r.try_get("email")?,
                    subscription_id: r.try_get("mobile_subscription")?,
                    code_expires_at: r.try_get::<Option<i64>, _>("expires_at")?.map(ts),
                    activated_at: r.try_get::<Option<i64>, _>("used_at")?.map(ts),
                    created_at: ts(r.try_get("created_at")?),
                })
            })
            .collect()
    }

    /// WGO-5: use the code with `code_hash` once, if it activates a mobile line and has not
    /// expired at `now`: one guarded UPDATE, so of two concurrent redemptions one wins. The
    /// line gets the password `credentials` makes from its SIP user name and registrar (sealed,
    /// and the registrar key of its one line) in the same transaction. `None`: used, expired or
    /// unknown, told apart nowhere.
    #[tracing::instrument(skip_all)]
    pub async fn redeem_activation_code<F>(
        &self,
        meta: &AuditMeta,
        code_hash: &str,
        now: jiff::Timestamp,
        credentials: F,
    ) -> Result<Option<Redeemed>>
    where
        F: FnOnce(&str, &str) -> (String, SubscriberKey),
    {
        let mut tx = self.begin().await?;
        // The line first, then its code: the order re-issuing and deleting lock them in
        // (PostgreSQL would otherwise abort one of two crossing transactions). An unknown code
        // does the same lookup.
        sqlx::query(&format!(
            "SELECT d.id FROM activation_codes a JOIN devices d ON d.id = a.device_id \
             WHERE a.code_hash = $1{}",
            self.lock_of("d")
        ))
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE activation_codes SET used_at = $1 \
             WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 AND device_id IS NOT NULL",
        )
        .bind(now.as_millisecond())
        .bind(code_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT d.id, d.customer_id, d.sip_user_name, d.line_port, d.registrar, d.outbound_proxy \
             FROM activation_codes a JOIN devices d ON d.id = a.device_id WHERE a.code_hash = $1",
        )
        .bind(code_hash)
        .fetch_one(&mut *tx)
        .await?;
        let redeemed = Redeemed {
            device_id: DeviceId(super::parse_uuid(&row.try_get::<String, _>("id")?)?),
            customer_id: CustomerId(super::parse_uuid(
                &row.try_get::<String, _>("customer_id")?,
            )?),
            sip_user_name: row.try_get("sip_user_name")?,
            line_port: row.try_get("line_port")?,
            registrar: row.try_get("registrar")?,
            outbound_proxy: row.try_get("outbound_proxy")?,
        };
        let (sealed, key) = credentials(&redeemed.sip_user_name, &redeemed.registrar);
        sqlx::query("UPDATE devices SET sip_password = $1 WHERE id = $2")
            .bind(sealed)
            .bind(redeemed.device_id.to_string())
            .execute(&mut *tx)
            .await?;
        super::subscribers::replace_subscribers(
            &mut tx,
            redeemed.device_id,
            std::slice::from_ref(&key),
        )
        .await?;
        super::audit(
            &mut tx,
            meta,
            "activation-code.redeem",
            "device",
            redeemed.device_id.to_string(),
            redeemed.sip_user_name.clone(),
            String::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(redeemed))
    }

    /// Tests: make the line's activation codes expired.
    #[doc(hidden)]
    pub async fn expire_activation_codes_for_tests(&self, device: DeviceId) -> Result<()> {
        sqlx::query("UPDATE activation_codes SET expires_at = $1 WHERE device_id = $2")
            .bind(now_ms() - 1)
            .bind(device.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
