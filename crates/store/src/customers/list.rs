//! The customer list (CUS-4, CUS-6) within the caller's scope: filters, search across the shown
//! fields and the tags, sort columns, paging; the tags in use and the customer count.

use super::{from_customers, select, Customer};
use crate::list::{col, like, order, related, Filter};
use crate::providers::key;
use crate::scope;
use crate::sql::{PageRequest, SortOrder};
use crate::{Result, Store};
use patchbay_domain::Scope;
use sea_query::{Alias, BinOper, Expr, Query, SimpleExpr};
use sqlx::Row;

/// List filters (CUS-4, CUS-6); `None` means any. Provider names and tags match
/// case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    pub search: Option<String>,
    pub light: Option<String>,
    pub status_code: Option<String>,
    pub tag: Option<String>,
    pub version: Option<String>,
    pub profile: Option<String>,
    pub distributor: Option<String>,
    pub reseller: Option<String>,
    pub has_alarms: Option<bool>,
}

crate::sort_columns! {
    /// Sortable columns of the customer list.
    pub enum CustomerSort {
        Name => "name" => "c.name_key",
        SystemName => "systemName" => "c.system_name",
        CustomerId => "customerId" => "c.customer_id",
        Profile => "profile" => "c.profile",
        Version => "version" => "c.version",
        Alarms => "alarmCount" => "c.alarm_count",
        Status => "status" => "c.light",
    }
}

/// What a customer search looks in: the searched fields, lowered and joined by `|`, as one
/// expression — the one SQLite's FTS5 index `customers_fts` is fed, character for character
/// (migration 0025). PostgreSQL stores it with the tag keys appended as the column
/// `search_text` (migration 0027), whose trigram index answers `LIKE '%…%'`.
pub const SEARCH_TEXT: &str = "lower(c.name_key || '|' || c.customer_id || '|' || c.system_name || '|' || c.version || '|' || c.profile || '|' || c.notes || '|' || c.email || '|' || c.phone || '|' || c.distributor_key || '|' || c.reseller_key || '|' || c.status_code)";

/// The shortest needle SQLite's trigram index finds; shorter ones are looked for row by row.
const TRIGRAM: usize = 3;

impl Store {
    /// SQLite: customers whose [`SEARCH_TEXT`] contains `needle` (`pattern` is its `LIKE` form),
    /// asked of its FTS5 trigram index (a phrase of the needle's characters in a row is exactly
    /// "contains", case aside) for needles of three characters or more.
    fn sqlite_search_match(needle: &str, pattern: &str) -> SimpleExpr {
        if needle.chars().count() < TRIGRAM {
            return Expr::cust(SEARCH_TEXT).like(like(pattern));
        }
        let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
        let found = Query::select()
            .expr(Expr::cust("rowid"))
            .from(Alias::new("customers_fts"))
            .and_where(
                Expr::col(Alias::new("customers_fts")).binary(BinOper::Custom("MATCH"), phrase),
            )
            .to_owned();
        col("c.search_key").in_subquery(found)
    }

    /// The list's WHERE: the scope, then every filter given.
    fn customer_filter(&self, scope: Scope, f: &CustomerFilter) -> Filter {
        let tags = || related("customer_tags", "t", "t.customer_id = c.id");
        let mut filter = Filter::new()
            .and(scope::customers(scope))
            .eq("c.light", f.light.clone())
            .eq("c.status_code", f.status_code.clone())
            .eq("c.version", f.version.clone())
            .eq("c.profile", f.profile.clone())
            .eq("c.distributor_key", f.distributor.as_deref().map(key))
            .eq("c.reseller_key", f.reseller.as_deref().map(key))
            .search_with(f.search.as_deref(), |needle, p| {
                if self.dialect() == crate::Dialect::Postgres {
                    // Fields and tags in one indexed column: the count and the page read the
                    // matching rows straight from its trigram index.
                    return vec![col("c.search_text").like(like(p))];
                }
                // SQLite reads both branches of the OR through their indexes (FTS5, tags).
                let tagged = Query::select()
                    .column((Alias::new("t"), Alias::new("customer_id")))
                    .from_as(Alias::new("customer_tags"), Alias::new("t"))
                    .and_where(col("t.tag_key").like(like(p)))
                    .to_owned();
                vec![
                    Self::sqlite_search_match(needle, p),
                    col("c.id").in_subquery(tagged),
                ]
            });
        if let Some(t) = &f.tag {
            filter = filter.exists(tags(), col("t.tag_key").eq(key(t)));
        }
        match f.has_alarms {
            Some(true) => filter.and(col("c.alarm_count").gt(0)),
            Some(false) => filter.and(col("c.alarm_count").eq(0)),
            None => filter,
        }
    }

    /// CUS-4 / CUS-6 list: scope, filter, search, one sort column, page.
    #[tracing::instrument(skip_all)]
    pub async fn list_customers(
        &self,
        scope: Scope,
        f: &CustomerFilter,
        sort: Option<(CustomerSort, SortOrder)>,
        page: PageRequest,
    ) -> Result<(Vec<Customer>, i64)> {
        let mut q = select();
        order(&mut q, sort, &["c.name_key"]);
        let filter = self.customer_filter(scope, f);
        let page = self
            .count_and_page_from(q, &from_customers(), filter, page)
            .await?;
        Ok((self.hydrate(page.items).await?, page.total))
    }

    /// Every tag in use (pick existing or create new, CUS-1).
    pub async fn all_tags(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT MIN(tag) AS tag FROM customer_tags GROUP BY tag_key ORDER BY tag_key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("tag")?)).collect()
    }

    /// Count of customers (all scopes), for capacity reports.
    pub async fn count_customers(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM customers")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alarms::tests::customer;
    use crate::audit::AuditMeta;
    use crate::customers::CustomerWrite;

    async fn found(s: &Store, needle: &str) -> Vec<String> {
        let f = CustomerFilter {
            search: Some(needle.into()),
            ..Default::default()
        };
        let (rows, total) = s
            .list_customers(Scope::All, &f, None, PageRequest::new(0, 50))
            .await
            .unwrap_or_else(|e| panic!("{needle}: {e}"));
        assert_eq!(total as usize, rows.len());
        let mut ids: Vec<String> = rows.into_iter().map(|c| c.fields.customer_id).collect();
        ids.sort();
        ids
    }

    #[tokio::test]
    async fn cus_4_search_index_follows_creates_renames_reports_and_deletes() {
        let s = crate::testing::store().await;
        let dental = customer(&s, "dental-care").await;
        customer(&s, "bakery").await;
        assert_eq!(found(&s, "ENTAL").await, ["dental-care"]);
        assert_eq!(found(&s, "al-c").await, ["dental-care"]);
        // Two characters: no trigram, looked for row by row.
        assert_eq!(found(&s, "ak").await, ["bakery"]);
        // What the user types is literal, quotes and wildcards included.
        assert!(found(&s, "de\"n").await.is_empty());
        assert!(found(&s, "d%e").await.is_empty());
        // Renamed: found by the new name, no longer by the old one.
        let mut w = CustomerWrite {
            fields: s
                .customer(Scope::All, dental)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .fields,
            sealed_password: None,
            distributor_id: None,
            reseller_id: None,
            operators: vec![],
        };
        w.fields.name = "Orthodontics Plus".into();
        w.fields.customer_id = "ortho".into();
        s.update_customer(&AuditMeta::cli(), dental, &w)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(found(&s, "dental").await.is_empty());
        assert_eq!(found(&s, "dontics pl").await, ["ortho"]);
        // Tagged: found by a tag (any case), by each of several, no longer by one taken off.
        w.fields.name = "Orthodontics Plus".into();
        w.fields.tags = vec!["Gold-Tier".into(), "pilot".into()];
        s.update_customer(&AuditMeta::cli(), dental, &w)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found(&s, "LD-TI").await, ["ortho"]);
        assert_eq!(found(&s, "pilot").await, ["ortho"]);
        w.fields.tags = vec!["pilot".into()];
        s.update_customer(&AuditMeta::cli(), dental, &w)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(found(&s, "gold").await.is_empty());
        assert_eq!(found(&s, "pilot").await, ["ortho"]);
        // A report names the system: searchable at once.
        s.system_connected(dental, "ipo-clinic-7", "node-a")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found(&s, "clinic-7").await, ["ortho"]);
        s.delete_customers(&AuditMeta::cli(), Scope::All, &[dental])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(found(&s, "ortho").await.is_empty());
        assert!(found(&s, "clinic").await.is_empty());
    }

    #[tokio::test]
    async fn cus_4_search_finds_the_same_customers_after_their_rows_are_renumbered() {
        let s = crate::testing::store().await;
        let first = customer(&s, "alpha-clinic").await;
        customer(&s, "bravo-bakery").await;
        customer(&s, "charlie-motors").await;
        s.delete_customers(&AuditMeta::cli(), Scope::All, &[first])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // SQLite may give the rows new rowids (its VACUUM may, a dump restored does where rows
        // were deleted); done here directly. PostgreSQL's search column lives on the row: its
        // table is rewritten instead.
        let renumber = match s.dialect() {
            crate::Dialect::Sqlite => "UPDATE customers SET rowid = rowid + 1000",
            crate::Dialect::Postgres => "VACUUM FULL customers",
        };
        sqlx::query(renumber)
            .execute(s.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found(&s, "bakery").await, ["bravo-bakery"]);
        assert_eq!(found(&s, "motors").await, ["charlie-motors"]);
        assert!(found(&s, "clinic").await.is_empty());
        // A customer added afterwards is found, and so are the others still.
        customer(&s, "delta-dental").await;
        assert_eq!(found(&s, "dental").await, ["delta-dental"]);
        assert_eq!(found(&s, "bakery").await, ["bravo-bakery"]);
        assert_eq!(found(&s, "-").await.len(), 3);
    }
}
