//! What a simulated system reports: a seeded, plausible profile, version, servers and flags.

use super::sim_system_name;
use patchbay_proto::{Flags, Report, Server, ServiceAccount};
use rand::{rngs::StdRng, Rng, SeedableRng};

/// What simulated system `i` first reports (deterministic).
pub fn sim_report(prefix: &str, i: u32) -> Report {
    let mut rng = rng_for(i);
    build_report(prefix, i, &mut rng)
}

pub(super) fn rng_for(i: u32) -> StdRng {
    StdRng::seed_from_u64(0x5EED_0000_0000_0000 ^ u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

pub(super) fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

pub(super) fn build_report(prefix: &str, i: u32, rng: &mut StdRng) -> Report {
    let name = sim_system_name(prefix, i);
    let roll = rng.gen_range(0..100);
    let profile = match roll {
        0..=2 => "legacy",
        3..=39 => "ip500v2",
        40..=84 => "server-edition",
        _ => "accs",
    };
    let version = match profile {
        "legacy" => pick(rng, &["9.1.12.0.1", "10.0.0.8.0.3"]),
        "accs" => pick(rng, &["7.1.2.0.12", "7.1.3.0.4"]),
        _ => pick(
            rng,
            &[
                "11.1.3.3.0.7",
                "12.0.0.0.0.45",
                "12.1.0.0.0.123",
                "12.1.0.1.0.12",
            ],
        ),
    }
    .to_string();
    let (b, c) = ((i >> 8) & 0xff, i & 0xff);
    let addr = |host: u32| format!("10.{b}.{c}.{host}");
    let mut servers = vec![Server {
        name: name.clone(),
        role: "primary".into(),
        address: addr(10),
        version: version.clone(),
        state: "online".into(),
    }];
    let extra = |role: &str, n: usize, host: u32| Server {
        name: format!("{role}-{n}"),
        role: role.into(),
        address: addr(host),
        version: version.clone(),
        state: "online".into(),
    };
    match profile {
        "ip500v2" if rng.gen_bool(0.2) => servers.push(extra("expansion", 1, 11)),
        "server-edition" => {
            if rng.gen_bool(0.5) {
                servers.push(extra("secondary", 1, 11));
            }
            for n in 1..=rng.gen_range(0..=2) {
                servers.push(extra("expansion", n, 20 + n as u32));
            }
            if rng.gen_bool(0.3) {
                servers.push(extra("application", 1, 30));
            }
        }
        "accs" if rng.gen_bool(0.5) => servers.push(extra("application", 1, 30)),
        _ => {}
    }
    let legacy = profile == "legacy";
    let mut flag = |p: f64| !legacy && rng.gen_bool(p);
    let flags = Flags {
        central_management: flag(0.95),
        central_diagnostic_logs: flag(0.8),
        remote_upgrade_backup: flag(0.85),
        remote_access: flag(0.7),
        colocated_servers: servers.len() > 1 && flag(0.3),
        auto_certificate_management: flag(0.5),
        phone_auto_provisioning: flag(0.6),
    };
    let rights: &[&str] = match rng.gen_range(0..100) {
        0..=84 => &["status-read", "configuration", "upgrade"],
        85..=92 => &["status-read", "configuration"],
        93..=96 => &["status-read"],
        _ => &[],
    };
    let odd = rng.gen_range(0..100);
    let service_account = ServiceAccount {
        disabled: odd == 0,
        locked: odd == 1,
        password_expired: odd == 2,
        must_change_password: odd == 3,
        rights: rights.iter().map(|r| r.to_string()).collect(),
    };
    Report {
        system_name: name,
        profile: profile.into(),
        version,
        address: addr(10),
        port: 443,
        servers,
        flags,
        service_account,
        time_zone: ZONES[i as usize % ZONES.len()].into(),
        tunnels: Vec::new(),
        phone_firmware: String::new(),
    }
}

/// The simulated systems' time zones (the seeds' countries).
const ZONES: [&str; 5] = [
    "Europe/Paris",
    "Europe/Bucharest",
    "Asia/Seoul",
    "Europe/Kyiv",
    "America/New_York",
];
