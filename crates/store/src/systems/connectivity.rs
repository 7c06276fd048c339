//! A customer's connectivity columns (SYS-3: traffic light, status, the system it shows) worked
//! out from its systems and its last refusal: for one customer inside the transaction that changed
//! it, or for every customer of a node released at once (a few statements per 500 customers
//! rather than three per customer: a node holding 16,000 systems stops in seconds).

use super::refusal_parse;
use crate::{now_ms, ts, Result, StoreError};
use patchbay_domain::system::{self, Light, Observed, Profile};
use patchbay_domain::CustomerId;
use sqlx::any::AnyRow;
use sqlx::Row;

/// The system a customer row shows: a connected one first, then the last seen.
const SHOWN_ORDER: &str = "CASE WHEN connected_node IS NULL THEN 1 ELSE 0 END, \
     COALESCE(last_seen_at, 0) DESC, created_at, id";

/// Customers recomputed per statement by [`recompute_many`].
const CHUNK: usize = 500;

/// What the customer row shows of its systems.
struct Shown {
    light: Light,
    status: &'static str,
    name: String,
    profile: String,
    version: String,
    address: String,
    port: i64,
    last_seen: Option<i64>,
}

/// The row's columns from the customer's last refusal (`last_refusal`, `last_refusal_at`) and
/// the system it shows (`None`: it has none).
fn shown(customer: &AnyRow, sys: Option<&AnyRow>, now: i64) -> Result<Shown> {
    let last_refusal = match (
        customer.try_get::<Option<String>, _>("last_refusal")?,
        customer.try_get::<Option<i64>, _>("last_refusal_at")?,
    ) {
        (Some(code), Some(at)) => refusal_parse(&code).map(|r| (r, ts(at))),
        _ => None,
    };
    let mut obs = Observed {
        last_refusal,
        ..Default::default()
    };
    let (mut name, mut profile, mut version, mut address, mut port) = (
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        0i64,
    );
    if let Some(s) = sys {
        obs.connected = s.try_get::<Option<String>, _>("connected_node")?.is_some();
        obs.last_seen = s.try_get::<Option<i64>, _>("last_seen_at")?.map(ts);
        profile = s.try_get("profile")?;
        obs.profile = Profile::parse(&profile);
        obs.flags = serde_json::from_str(&s.try_get::<String, _>("flags")?).unwrap_or_default();
        let account: String = s.try_get("account_state")?;
        obs.account = if account.is_empty() {
            None
        } else {
            serde_json::from_str(&account).ok()
        };
        obs.servers_offline = s.try_get::<i64, _>("servers_offline")?.max(0) as usize;
        name = s.try_get("name")?;
        version = s.try_get("version")?;
        address = s.try_get("address")?;
        port = s.try_get("port")?;
    }
    let (light, status) = system::status(&obs, ts(now));
    Ok(Shown {
        light,
        status: status.code(),
        name,
        profile,
        version,
        address,
        port,
        last_seen: obs.last_seen.map(|t| t.as_millisecond()),
    })
}

async fn write(tx: &mut crate::Tx, customer: &str, s: &Shown) -> Result<()> {
    sqlx::query(
        "UPDATE customers SET light = $2, status_code = $3, system_name = $4, profile = $5, version = $6, address = $7, \
         port = $8, last_seen_at = $9, needs_attention = $10 WHERE id = $1",
    )
    .bind(customer)
    .bind(s.light.as_str())
    .bind(s.status)
    .bind(s.name.as_str())
    .bind(s.profile.as_str())
    .bind(s.version.as_str())
    .bind(s.address.as_str())
    .bind(s.port)
    .bind(s.last_seen)
    .bind(i64::from(s.light == Light::Amber))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recompute the customer's connectivity columns from its first system and last refusal.
pub(crate) async fn recompute(tx: &mut crate::Tx, customer: CustomerId) -> Result<()> {
    let now = now_ms();
    let id = customer.to_string();
    let c = sqlx::query("SELECT last_refusal, last_refusal_at FROM customers WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let sys = sqlx::query(&format!(
        "SELECT name, profile, version, address, port, flags, account_state, servers_offline, connected_node, last_seen_at \
         FROM systems WHERE customer_id = $1 ORDER BY {SHOWN_ORDER} LIMIT 1"
    ))
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    write(tx, &id, &shown(&c, sys.as_ref(), now)?).await
}

/// [`recompute`] for many customers (ids as stored), reading them and the systems they show
/// [`CHUNK`] at a time. A customer that no longer exists is passed over.
pub(crate) async fn recompute_many(tx: &mut crate::Tx, customers: &[String]) -> Result<()> {
    let now = now_ms();
    for chunk in customers.chunks(CHUNK) {
        let list = crate::placeholders(1, chunk.len());
        let customers_sql =
            format!("SELECT id, last_refusal, last_refusal_at FROM customers WHERE id IN ({list})");
        let mut rows = sqlx::query(&customers_sql);
        for c in chunk {
            rows = rows.bind(c.as_str());
        }
        let rows = rows.fetch_all(&mut **tx).await?;
        let systems_sql = format!(
            "SELECT * FROM (SELECT customer_id, name, profile, version, address, port, flags, account_state, \
             servers_offline, connected_node, last_seen_at, \
             ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY {SHOWN_ORDER}) AS shown_rank \
             FROM systems WHERE customer_id IN ({list})) ranked WHERE shown_rank = 1"
        );
        let mut systems = sqlx::query(&systems_sql);
        for c in chunk {
            systems = systems.bind(c.as_str());
        }
        let mut by_customer: std::collections::HashMap<String, AnyRow> =
            std::collections::HashMap::new();
        for s in systems.fetch_all(&mut **tx).await? {
            by_customer.insert(s.try_get("customer_id")?, s);
        }
        for c in &rows {
            let id: String = c.try_get("id")?;
            let s = shown(c, by_customer.get(&id), now)?;
            write(tx, &id, &s).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::alarms::tests::customer;
    use crate::systems::tests::report_with;
    use crate::Store;
    use patchbay_domain::system::Refusal;
    use sqlx::Row;

    async fn rows(s: &Store) -> Vec<String> {
        sqlx::query(
            "SELECT id || '|' || light || '|' || status_code || '|' || system_name || '|' || profile || '|' \
             || version || '|' || address || '|' || CAST(port AS TEXT) || '|' \
             || COALESCE(CAST(last_seen_at AS TEXT), '-') || '|' || CAST(needs_attention AS TEXT) AS r \
             FROM customers ORDER BY id",
        )
        .fetch_all(s.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|r| r.try_get("r").unwrap_or_default())
        .collect()
    }

    /// SYS-2, Scale-out: a node that stops releases its systems at once, and every customer it
    /// held shows what recomputing it alone would — a customer with one system there, one with a
    /// system still on another node, one refused since — in a few statements per 500 customers.
    #[tokio::test]
    async fn sys_2_a_stopping_node_leaves_each_customer_as_recomputing_it_alone_would() {
        let s = crate::testing::store().await;
        for node in ["node-a", "node-b"] {
            s.node_heartbeat(node, "")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut held = Vec::new();
        for (n, name) in ["acme", "beta", "gamma", "delta"].into_iter().enumerate() {
            let c = customer(&s, name).await;
            let (sys, _) = s
                .system_connected(c, "ipo-1", "node-a")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            s.system_report(c, sys, &report_with(&format!("11.{n}"), Vec::new()))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            held.push(c);
        }
        // beta has a second system on node-b; gamma was refused since.
        s.system_connected(held[1], "ipo-2", "node-b")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.record_refusal(held[2], Refusal::InvalidCredentials)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let before = rows(&s).await;
        assert_eq!(s.release_systems(None, Some("node-a")).await.ok(), Some(4));
        let released = rows(&s).await;
        assert_ne!(released, before, "the customers show the disconnection");
        let mut tx = s.begin().await.unwrap_or_else(|e| panic!("{e}"));
        for c in &held {
            super::recompute(&mut tx, *c)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rows(&s).await, released);
        // beta still shows its system on node-b, connected (amber: it has not reported yet).
        let beta = held[1].to_string();
        let row = released
            .iter()
            .find(|r| r.starts_with(&beta))
            .cloned()
            .unwrap_or_default();
        assert!(row.contains("|amber|") && row.contains("|ipo-2|"), "{row}");
        // acme and delta are unreachable; gamma shows its refusal.
        assert!(released
            .iter()
            .any(|r| r.contains("|amber|invalidCredentials|")));
        assert!(
            released
                .iter()
                .filter(|r| r.contains("|red|unreachableSince|"))
                .count()
                == 2,
            "{released:?}"
        );
    }

    /// SYS-2 at scale: many sessions ended at once are recorded in one call — each system shown
    /// offline, its customer recomputed — except a system that connected again meanwhile (its
    /// newer connection is left alone).
    #[tokio::test]
    async fn sys_2_sessions_ended_together_are_recorded_in_one_batch() {
        let s = crate::testing::store().await;
        let mut ended = Vec::new();
        for n in 0..30 {
            let c = customer(&s, &format!("c{n}")).await;
            let (sys, at) = s
                .system_connected(c, "ipo-1", "node-a")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            ended.push((c, sys, at));
        }
        // The first system is back on another connection before its end is recorded.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let (c0, sys0, _) = ended[0];
        s.system_connected(c0, "ipo-1", "node-b")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        s.systems_disconnected("node-a", &ended)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            s.holder_of(sys0).await.ok(),
            Some(Some("node-b".to_string()))
        );
        for (_, sys, _) in &ended[1..] {
            assert_eq!(s.holder_of(*sys).await.ok(), Some(None));
        }
        let shown = rows(&s).await;
        assert_eq!(
            shown
                .iter()
                .filter(|r| r.contains("|red|unreachableSince|"))
                .count(),
            29,
            "{shown:?}"
        );
    }
}
