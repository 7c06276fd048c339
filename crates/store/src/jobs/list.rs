//! JOB-1, JOB-2: the jobs a caller may see — those with a part on a customer of the caller's
//! scope — with the names of those customers; a job's details show only the parts in scope.

use super::{job_from_row, part_from_row, Job, JobPart};
use crate::list::{col, related, select_from, sort_expr, Filter, Page, SortColumns};
use crate::sql::{PageRequest, SortOrder};
use crate::{scope, Result, Store, StoreError};
use patchbay_domain::jobs::{JobKind, JobStatus};
use patchbay_domain::{JobId, Scope};
use sea_query::{Alias, Expr, JoinType, Order};
use sqlx::Row;

crate::sort_columns! {
    /// JOB-1's sortable columns.
    pub enum JobSort {
        Name => "name" => "LOWER(j.name)",
        Operation => "operation" => "j.kind",
        StartDate => "startDate" => "j.start_at",
        Status => "status" => "j.status",
    }
}

/// What a job list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    pub kind: Option<JobKind>,
    /// Part of the job's name.
    pub search: Option<String>,
}

/// A job as the list shows it (JOB-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSummary {
    pub job: Job,
    /// The customers of its parts that the caller may see, by name.
    pub customers: Vec<String>,
}

/// The job columns of `jobs j`, and the part columns of `job_parts p` (a test checks they are
/// the columns the row readers expect).
const JOB_COLUMNS_J: &str =
    "j.id, j.name, j.kind, j.status, j.immediate, j.automatic, j.start_at, j.options, j.created_by, j.created_at";
const PART_COLUMNS_P: &str =
    "p.id, p.job_id, p.customer_id, p.system_id, p.server, p.status, p.reason, p.started_at, p.finished_at";

/// A part's customer `c`, for the scope condition.
const PART_CUSTOMER: crate::list::Join = (
    JoinType::InnerJoin,
    "customers",
    "c",
    "c.id = p.customer_id",
);

/// The parts of job `j` on customers of `scope`.
fn parts_in_scope() -> sea_query::SelectStatement {
    let mut r = related("job_parts", "p", "p.job_id = j.id");
    r.join_as(
        JoinType::InnerJoin,
        Alias::new("customers"),
        Alias::new("c"),
        Expr::cust("c.id = p.customer_id"),
    );
    r
}

impl Store {
    /// JOB-1: the jobs `scope` may see, in the chosen order, then newest start first.
    pub async fn list_jobs(
        &self,
        scope: Scope,
        f: &JobFilter,
        sort: Option<(JobSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<Page<JobSummary>> {
        let mut q = select_from(JOB_COLUMNS_J, ("jobs", "j"), &[]);
        if let Some((c, dir)) = sort {
            q.order_by_expr(sort_expr(c.column()), dir.into());
        }
        q.order_by_expr(Expr::cust("j.start_at"), Order::Desc)
            .order_by_expr(Expr::cust("j.id"), Order::Desc);
        let filter = Filter::new()
            .eq_text("j.status", f.status.map(|s| s.as_str()))
            .eq_text("j.kind", f.kind.map(|k| k.as_str()))
            .contains_any(&["j.name"], f.search.as_deref())
            .exists(parts_in_scope(), scope::customers(scope));
        let rows = self.count_and_page(q, filter, page).await?;
        let page = rows.try_map(|r| job_from_row(&r))?;
        let ids: Vec<String> = page.items.iter().map(|j| j.id.to_string()).collect();
        let mut names = select_from(
            "DISTINCT p.job_id, c.name",
            ("job_parts", "p"),
            &[PART_CUSTOMER],
        );
        names
            .and_where(col("p.job_id").is_in(ids))
            .cond_where(scope::customers(scope))
            .order_by_expr(Expr::cust("c.name"), Order::Asc);
        let mut by_job = self
            .grouped(
                &names,
                |r| Ok(r.try_get::<String, _>("job_id")?),
                |r| Ok(r.try_get::<String, _>("name")?),
            )
            .await?;
        Ok(page.map(|job| JobSummary {
            customers: by_job.remove(&job.id.to_string()).unwrap_or_default(),
            job,
        }))
    }

    /// JOB-2: a job with its parts on customers of `scope`; not found when it has none there.
    pub async fn job_in_scope(&self, scope: Scope, id: JobId) -> Result<(Job, Vec<JobPart>)> {
        // The job row before its parts: statuses only move forward, so the parts read after it
        // are at least as far along — never a job "completed" beside a part still running.
        let job = self.job_header(id).await?;
        let mut q = select_from(PART_COLUMNS_P, ("job_parts", "p"), &[PART_CUSTOMER]);
        q.and_where(col("p.job_id").eq(id.to_string()))
            .cond_where(scope::customers(scope))
            .order_by_expr(Expr::cust("p.system_id"), Order::Asc)
            .order_by_expr(Expr::cust("p.position"), Order::Asc);
        let parts = self
            .select_all(&q)
            .await?
            .iter()
            .map(part_from_row)
            .collect::<Result<Vec<_>>>()?;
        if parts.is_empty() {
            return Err(StoreError::NotFound);
        }
        Ok((job, parts))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{JOB_COLUMNS, PART_COLUMNS};
    use super::*;

    fn aliased(alias: &str, columns: &str) -> String {
        columns
            .split(", ")
            .map(|c| format!("{alias}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    #[test]
    fn job_1_aliased_columns_are_the_row_readers_columns() {
        assert_eq!(JOB_COLUMNS_J, aliased("j", JOB_COLUMNS));
        assert_eq!(PART_COLUMNS_P, aliased("p", PART_COLUMNS));
    }
}
