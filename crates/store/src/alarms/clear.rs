//! Clearing alarms, audited, with the customers' alarm counts kept in the same transaction:
//! selected alarms (ALM-4; ongoing ones are refused) and every alarm of a type (ALM-5; ongoing
//! ones stay).

use super::alarms_select;
use crate::audit::{write, AuditEntry, AuditMeta};
use crate::list::col;
use crate::scope;
use crate::{get_flag, Result, Store, StoreError};
use patchbay_domain::alarm::AlarmType;
use patchbay_domain::{AlarmId, Scope};
use sea_query::{Alias, Query};
use sqlx::Row;
use std::collections::HashMap;

impl Store {
    /// ALM-4: clear the selected alarms, all or nothing. Ongoing ones are refused
    /// (`Refused(AlarmOngoing)`), alarms outside the scope are not found.
    #[tracing::instrument(skip_all)]
    pub async fn clear_alarms(
        &self,
        meta: &AuditMeta,
        scope: Scope,
        ids: &[AlarmId],
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        for id in ids {
            let q = alarms_select()
                .and_where(col("a.id").eq(id.to_string()))
                .cond_where(scope::customers(scope))
                .to_owned();
            let Some(row) = self.select_optional_in(&mut tx, &q).await? else {
                return Err(StoreError::NotFound);
            };
            if get_flag(&row, "ongoing")? {
                return Err(StoreError::Refused(crate::Refusal::AlarmOngoing));
            }
            let customer: String = row.try_get("customer_id")?;
            let deleted = sqlx::query("DELETE FROM alarms WHERE id = $1 AND ongoing = 0")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if deleted == 0 {
                // Cleared meanwhile by someone else, or became ongoing again.
                continue;
            }
            sqlx::query("UPDATE customers SET alarm_count = alarm_count - 1 WHERE id = $1 AND alarm_count > 0")
                .bind(customer.as_str())
                .execute(&mut *tx)
                .await?;
            let description: String = row.try_get("description")?;
            let entry = AuditEntry::success("alarm.clear", "alarm", id, description);
            write(&mut tx, meta, entry).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// ALM-5: clear every alarm of one type within scope; ongoing ones stay.
    #[tracing::instrument(skip_all)]
    pub async fn clear_alarms_of_type(
        &self,
        meta: &AuditMeta,
        scope: Scope,
        alarm_type: AlarmType,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let in_scope = Query::select()
            .column((Alias::new("c"), Alias::new("id")))
            .from_as(Alias::new("customers"), Alias::new("c"))
            .cond_where(scope::customers(scope))
            .to_owned();
        let del = Query::delete()
            .from_table(Alias::new("alarms"))
            .and_where(col("alarm_type").eq(alarm_type.as_str()))
            .and_where(col("ongoing").eq(0))
            .and_where(col("customer_id").in_subquery(in_scope))
            .returning_col(Alias::new("customer_id"))
            .to_owned();
        // Decrement by what was really deleted (concurrent raises or clears cannot skew the count).
        let (sql, values) = self.build(&del);
        let deleted = sqlx::query_with(&sql, values).fetch_all(&mut *tx).await?;
        let mut per_customer: HashMap<String, i64> = HashMap::new();
        for r in &deleted {
            *per_customer
                .entry(r.try_get::<String, _>("customer_id")?)
                .or_default() += 1;
        }
        let mut total = 0u64;
        for (customer, n) in per_customer {
            sqlx::query("UPDATE customers SET alarm_count = CASE WHEN alarm_count >= $2 THEN alarm_count - $2 ELSE 0 END WHERE id = $1")
                .bind(customer.as_str())
                .bind(n)
                .execute(&mut *tx)
                .await?;
            total += n as u64;
        }
        let entry = AuditEntry::success("alarm.clear-type", "alarmType", alarm_type.as_str(), "")
            .with_detail(format!("{total} cleared"));
        write(&mut tx, meta, entry).await?;
        tx.commit().await?;
        Ok(total)
    }
}
