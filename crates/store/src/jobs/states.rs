//! SYS-4's action icons on the customer list: an action running on one of a customer's systems
//! (its action slot is taken: no other may start), else how the customer's latest action ended.

use super::parse;
use crate::{Result, Store};
use patchbay_domain::jobs::{JobKind, PartStatus};
use patchbay_domain::CustomerId;
use sqlx::Row;
use std::collections::HashMap;

/// What the customer list shows of a customer's actions (backup, restore, and later upgrades).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionState {
    InProgress,
    Completed,
    Failed,
}

impl ActionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::InProgress => "inProgress",
            ActionState::Completed => "completed",
            ActionState::Failed => "failed",
        }
    }
}

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// SYS-4: the action state of each of `customers` that has one (two statements for a page).
    pub async fn action_states(
        &self,
        customers: &[CustomerId],
    ) -> Result<HashMap<CustomerId, ActionState>> {
        let mut out = HashMap::new();
        if customers.is_empty() {
            return Ok(out);
        }
        let ids: Vec<String> = customers.iter().map(|c| c.to_string()).collect();
        let running = format!(
            "SELECT DISTINCT s.customer_id FROM system_actions a JOIN systems s ON s.id = a.system_id \
             WHERE s.customer_id IN ({})",
            placeholders(1, ids.len())
        );
        let mut q = sqlx::query(&running);
        for id in &ids {
            q = q.bind(id.as_str());
        }
        for row in q.fetch_all(self.pool()).await? {
            let id: String = row.try_get("customer_id")?;
            if let Ok(c) = id.parse() {
                out.insert(c, ActionState::InProgress);
            }
        }
        let kinds = [JobKind::Backup, JobKind::Restore];
        let latest = format!(
            "SELECT customer_id, status FROM (SELECT p.customer_id, p.status, ROW_NUMBER() OVER \
             (PARTITION BY p.customer_id ORDER BY p.finished_at DESC, p.id DESC) AS rn \
             FROM job_parts p JOIN jobs j ON j.id = p.job_id \
             WHERE p.finished_at IS NOT NULL AND j.kind IN ($1, $2) AND p.status IN ($3, $4) \
             AND p.customer_id IN ({})) t WHERE rn = 1",
            placeholders(5, ids.len())
        );
        let mut q = sqlx::query(&latest)
            .bind(kinds[0].as_str())
            .bind(kinds[1].as_str())
            .bind(PartStatus::Completed.as_str())
            .bind(PartStatus::Failed.as_str());
        for id in &ids {
            q = q.bind(id.as_str());
        }
        for row in q.fetch_all(self.pool()).await? {
            let id: String = row.try_get("customer_id")?;
            let status = parse(&row.try_get::<String, _>("status")?, PartStatus::parse)?;
            if let Ok(c) = id.parse() {
                out.entry(c).or_insert(if status == PartStatus::Completed {
                    ActionState::Completed
                } else {
                    ActionState::Failed
                });
            }
        }
        Ok(out)
    }
}
