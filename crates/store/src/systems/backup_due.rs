//! BKP-3 at fleet scale: the systems whose automatic backup is due this minute, found by an index
//! on their time zone and their minute in the nightly window, instead of reading every system.

use super::{assemble, SystemView};
use crate::{Result, Store};
use patchbay_domain::{CustomerId, SystemId};
use sqlx::Row;

impl Store {
    /// Give up to `limit` systems that have none their minute in the nightly window (`minute` of
    /// the system's id, [`patchbay_domain::backups::automatic_slot_minute`]); how many were
    /// given one. New systems get theirs here, within a minute of their first connection.
    #[tracing::instrument(skip_all)]
    pub async fn fill_backup_slots(
        &self,
        minute: impl Fn(SystemId) -> u16,
        limit: i64,
    ) -> Result<usize> {
        let ids: Vec<String> =
            sqlx::query("SELECT id FROM systems WHERE backup_slot IS NULL ORDER BY id LIMIT $1")
                .bind(limit)
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| r.try_get("id"))
                .collect::<std::result::Result<_, _>>()?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        for id in &ids {
            let system: SystemId = crate::audit::parse_id(id.clone())?;
            sqlx::query("UPDATE systems SET backup_slot = $2 WHERE id = $1")
                .bind(id.as_str())
                .bind(i64::from(minute(system)))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    /// The time zones the systems report (each looked at for its own night).
    pub async fn system_time_zones(&self) -> Result<Vec<String>> {
        sqlx::query("SELECT DISTINCT time_zone FROM systems")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(r.try_get("time_zone")?))
            .collect()
    }

    /// Up to `limit` systems in time zone `zone` whose minute in the window is at most `minute`
    /// and whose night `night` (their local date) is not yet seen to, with their servers.
    #[tracing::instrument(skip_all, fields(zone, minute))]
    pub async fn backups_due(
        &self,
        zone: &str,
        minute: u16,
        night: &str,
        limit: i64,
    ) -> Result<Vec<(CustomerId, SystemView)>> {
        macro_rules! due {
            () => {
                "SELECT id FROM systems WHERE time_zone = $1 AND backup_slot <= $2 \
                 AND (backup_night IS NULL OR backup_night <> $3) ORDER BY backup_slot, id LIMIT $4"
            };
        }
        // The systems, then their servers: the same four parameters each.
        let mut read = Vec::with_capacity(2);
        for sql in [
            concat!(
                "SELECT * FROM systems WHERE id IN (",
                due!(),
                ") ORDER BY backup_slot, id"
            ),
            concat!(
                "SELECT s.system_id, s.name, s.role, s.address, s.version, s.state FROM servers s \
                 WHERE s.system_id IN (",
                due!(),
                ") ORDER BY s.system_id, s.position"
            ),
        ] {
            read.push(
                sqlx::query(sql)
                    .bind(zone)
                    .bind(i64::from(minute))
                    .bind(night)
                    .bind(limit)
                    .fetch_all(self.pool())
                    .await?,
            );
        }
        let servers = read.pop().unwrap_or_default();
        let rows = read.pop().unwrap_or_default();
        assemble(&rows, servers)
    }

    /// `system`'s night `night` (its local date) is seen to: its run exists, or it may not run.
    pub async fn backup_night_seen(&self, system: SystemId, night: &str) -> Result<()> {
        sqlx::query("UPDATE systems SET backup_night = $2 WHERE id = $1")
            .bind(system.to_string())
            .bind(night)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::alarms::tests::customer;
    use crate::systems::tests::report_with;
    use patchbay_domain::backups::automatic_slot_minute;
    use patchbay_domain::SystemId;
    use std::collections::HashSet;

    fn slot(id: SystemId) -> u16 {
        automatic_slot_minute(id.to_string().as_bytes())
    }

    /// BKP-3: the systems due are those of the zone whose minute has come and whose night is not
    /// seen to — found by the index, not by reading every system — each with its servers.
    #[tokio::test]
    async fn bkp_3_due_systems_are_found_by_zone_minute_and_night() {
        let s = crate::testing::store().await;
        let c = customer(&s, "acme").await;
        let mut seoul = Vec::new();
        for n in 0..20 {
            let (id, _) = s
                .system_connected(c, &format!("sys-{n}"), "node-a")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let mut report = report_with("11.1", Vec::new());
            report.time_zone = if n < 15 { "Asia/Seoul" } else { "Europe/Paris" }.into();
            s.system_report(c, id, &report)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            if n < 15 {
                seoul.push(id);
            }
        }
        // Nothing has a minute yet: nothing is due; then every system gets its own.
        assert!(s
            .backups_due("Asia/Seoul", 119, "2026-11-20", 100)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty());
        assert_eq!(s.fill_backup_slots(slot, 7).await.ok(), Some(7));
        assert_eq!(s.fill_backup_slots(slot, 100).await.ok(), Some(13));
        assert_eq!(s.fill_backup_slots(slot, 100).await.ok(), Some(0));
        let mut zones = s.system_time_zones().await.unwrap_or_default();
        zones.sort();
        assert_eq!(zones, ["Asia/Seoul", "Europe/Paris"]);
        // At a minute some slots have passed: exactly those of Seoul's systems.
        let mut minutes: Vec<u16> = seoul.iter().map(|y| slot(*y)).collect();
        minutes.sort();
        let minute = minutes[7];
        let due = s
            .backups_due("Asia/Seoul", minute, "2026-11-20", 100)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let expected: HashSet<SystemId> = seoul
            .iter()
            .copied()
            .filter(|y| slot(*y) <= minute)
            .collect();
        assert_eq!(
            due.iter().map(|(_, v)| v.id).collect::<HashSet<_>>(),
            expected
        );
        assert!(due
            .iter()
            .all(|(cust, v)| *cust == c && v.servers.len() == 1));
        // Seen to: not due again that night, due again the next.
        for (_, v) in &due {
            s.backup_night_seen(v.id, "2026-11-20")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let again = s
            .backups_due("Asia/Seoul", 119, "2026-11-20", 100)
            .await
            .unwrap_or_default();
        assert_eq!(again.len(), 15 - expected.len());
        assert!(again.iter().all(|(_, v)| !expected.contains(&v.id)));
        let next = s
            .backups_due("Asia/Seoul", 119, "2026-11-21", 3)
            .await
            .unwrap_or_default();
        assert_eq!(next.len(), 3, "the limit holds");
        assert!(next.iter().all(|(_, v)| v.servers.len() == 1));
    }
}
