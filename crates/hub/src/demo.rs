//! `patchbay demo`: the hub with a demo provider tree, customers and an in-process simulated fleet
//! (the same simulator as `patchbay-agent sim`), so a newcomer sees a living console at once.

use crate::state::AppState;
use patchbay_agent::{run_sim, CancellationToken, Password, SimOptions, Trust};
use patchbay_domain::customer::CustomerFields;
use patchbay_store::customers::CustomerWrite;
use patchbay_store::{AuditMeta, Store, StoreError};
use std::time::Duration;

pub const PREFIX: &str = "demo";
pub const DEFAULT_DATA_DIR: &str = "./patchbay-demo";
const PASSWORD_FILE: &str = "demo-service.password";

const NAMES: [&str; 20] = [
    "Acme Logistics",
    "Bellweather Clinics",
    "Cobalt Retail",
    "Delta Dental",
    "Evergreen Schools",
    "Fjord Shipping",
    "Granite Legal",
    "Harbor Hotels",
    "Iris Pharmacy",
    "Juniper Bank",
    "Kestrel Air",
    "Lumen Studios",
    "Maple Insurance",
    "Nimbus Cloud",
    "Orchid Spa",
    "Pioneer Farms",
    "Quartz Labs",
    "Redwood Realty",
    "Summit Sports",
    "Tidal Energy",
];
const TAGS: [&str; 5] = ["gold", "silver", "bronze", "healthcare", "retail"];

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("demo password file: {0}")]
    Io(#[from] std::io::Error),
}

/// The demo service password, kept in the data dir so restarts reuse it.
fn service_password(state: &AppState) -> Result<String, DemoError> {
    let path = state.config.data_dir.join(PASSWORD_FILE);
    if let Ok(p) = std::fs::read_to_string(&path) {
        if !p.trim().is_empty() {
            return Ok(p.trim().to_string());
        }
    }
    let p = crate::admin::generate_password();
    crate::datadir::write_private(&path, p.as_bytes())?;
    Ok(p)
}

async fn provider(
    store: &Store,
    distributor: &str,
    reseller: &str,
) -> Result<(patchbay_domain::DistributorId, patchbay_domain::ResellerId), DemoError> {
    let meta = AuditMeta::system();
    let d = match store
        .distributors(patchbay_domain::Scope::All)
        .await?
        .into_iter()
        .find(|d| d.name == distributor)
    {
        Some(d) => d.id,
        None => store.create_distributor(&meta, distributor).await?,
    };
    let r = match store
        .resellers(patchbay_domain::Scope::All, Some(d))
        .await?
        .into_iter()
        .find(|r| r.name == reseller)
    {
        Some(r) => r.id,
        None => store.create_reseller(&meta, d, reseller).await?,
    };
    Ok((d, r))
}

/// Create what is missing: two distributors, three resellers, `count` simulated customers and
/// three that show other SYS-3 states (disabled on the entry, wrong service user, never
/// connected). Idempotent.
pub async fn seed(state: &AppState, count: u32) -> Result<String, DemoError> {
    let store = &state.store;
    let password = service_password(state)?;
    let sealed = state.secrets.seal(&password);
    let trees = [
        provider(store, "Northwind Telecom", "Alpine Voice").await?,
        provider(store, "Northwind Telecom", "Harbor Connect").await?,
        provider(store, "Sunrise Networks", "Metro Calls").await?,
    ];
    for i in 1..=count + 3 {
        let customer_id = patchbay_agent::sim_customer_id(PREFIX, i);
        if store.service_credentials(&customer_id).await?.is_some() {
            continue;
        }
        let base = NAMES[(i as usize - 1) % NAMES.len()];
        let (d, r) = trees[i as usize % trees.len()];
        let extra = i > count;
        let fields = CustomerFields {
            name: format!("{base} {i:03}"),
            customer_id,
            service_user_name: if extra && i == count + 2 {
                "legacy-admin".into()
            } else {
                "COMAdmin".into()
            },
            tags: vec![TAGS[i as usize % TAGS.len()].into()],
            phone: format!("+3314{:07}", i),
            email: format!("it{i}@customer.example"),
            notes: if extra {
                "Demo: shows a connection problem".into()
            } else {
                String::new()
            },
            service_disabled: extra && i == count + 1,
        };
        let id = store
            .create_customer(
                &AuditMeta::system(),
                &CustomerWrite {
                    fields,
                    sealed_password: Some(sealed.clone()),
                    distributor_id: Some(d),
                    reseller_id: Some(r),
                    operators: vec![],
                },
            )
            .await?;
        calling(store, id, i).await?;
    }
    Ok(password)
}

/// Calling licences for every demo customer; the first also gets a location, numbers and two
/// people, so the calling pages have something to show.
async fn calling(store: &Store, id: patchbay_domain::CustomerId, i: u32) -> Result<(), DemoError> {
    use patchbay_domain::calling::{LicenceKind, NumberKind};
    use patchbay_store::calling::locations::{Address, LocationWrite};
    use patchbay_store::calling::people::PersonWrite;
    use patchbay_store::calling::CallingIdentity;
    let meta = AuditMeta::system();
    store
        .set_licences(
            &meta,
            id,
            &[
                (LicenceKind::Professional, 25),
                (LicenceKind::Basic, 25),
                (LicenceKind::Workspaces, 10),
            ],
            &[("Sub-go-demo".to_string(), 10)],
        )
        .await?;
    if i != 1 {
        return Ok(());
    }
    let loc = store
        .create_location(
            &meta,
            id,
            &LocationWrite {
                name: "Paris HQ".into(),
                time_zone: "Europe/Paris".into(),
                preferred_language: "fr_fr".into(),
                announcement_language: "fr_fr".into(),
                address: Address {
                    address1: "1 rue de la Paix".into(),
                    city: "Paris".into(),
                    postal_code: "75002".into(),
                    country: "FR".into(),
                    ..Default::default()
                },
                notes: String::new(),
                coordinates: None,
            },
        )
        .await?;
    let fixed: Vec<String> = (0..8).map(|n| format!("+3315550{n:04}")).collect();
    store
        .add_numbers(&meta, loc, &fixed, NumberKind::Did, true)
        .await?;
    store
        .add_numbers(
            &meta,
            loc,
            &["+33655500001".to_string()],
            NumberKind::Mobile,
            true,
        )
        .await?;
    for (n, (first, last)) in [("Camille", "Durand"), ("Louis", "Martin")]
        .iter()
        .enumerate()
    {
        store
            .create_person(
                &meta,
                id,
                &PersonWrite {
                    email: format!(
                        "{}.{}@customer.example",
                        first.to_lowercase(),
                        last.to_lowercase()
                    ),
                    display_name: format!("{first} {last}"),
                    first_name: (*first).into(),
                    last_name: (*last).into(),
                    licence: Some(LicenceKind::Professional),
                    identity: CallingIdentity {
                        location_id: Some(loc.0),
                        extension: Some(format!("{}", 2001 + n)),
                        phone_number: Some(fixed[n].clone()),
                    },
                    profile: None,
                },
            )
            .await?;
    }
    Ok(())
}

/// Run the simulated fleet against this hub until `shutdown`. Systems `count+1` and `count+2`
/// are simulated too: the hub refuses them (disabled entry, unknown service user);
/// `count+3` never connects.
pub fn spawn_fleet(
    state: &AppState,
    port: u16,
    count: u32,
    password: String,
    shutdown: CancellationToken,
) -> Result<(), DemoError> {
    let cert = std::fs::read(state.config.data_dir.join(crate::tls::CERT_FILE))?;
    let mut opts = SimOptions::new(
        format!("wss://localhost:{port}"),
        count + 2,
        PREFIX,
        Password::new(password),
    );
    opts.trust = Trust::CaPem(cert);
    opts.alarm_interval = Duration::from_secs(20);
    opts.ramp = Duration::from_secs(3);
    opts.summary_interval = Some(Duration::from_secs(60));
    // The fleet backs up, restores and sends logs of generated files kept in the data dir.
    opts.data_root = Some(state.config.data_dir.join("demo-fleet"));
    tokio::spawn(async move {
        if let Err(e) = run_sim(opts, shutdown).await {
            tracing::error!(error = %e, "demo fleet stopped");
        }
    });
    Ok(())
}
