//! Test data, built with sensible defaults and overridden only where a test cares: customers and
//! their calling licences, locations, people, workspaces, devices and numbers, alarms, systems
//! and real agents, staff and Customer administrators logged in to the console, preferences.

use crate::common::*;
use patchbay_agent::{run_agent, AgentOptions, CancellationToken, LinkTimings, Password, Trust};
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::calling::{LicenceKind, MemberKind, NumberKind};
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::system::{Profile, RemoteFlags, Right, ServiceAccountState};
use patchbay_domain::{CustomerId, DeviceId, LocationId, PersonId, Role, SystemId, WorkspaceId};
use patchbay_store::alarms::AlarmRaise;
use patchbay_store::calling::devices::NewDevice;
use patchbay_store::calling::locations::{Address, LocationWrite};
use patchbay_store::calling::people::PersonWrite;
use patchbay_store::calling::workspaces::WorkspaceWrite;
use patchbay_store::calling::CallingIdentity;
use patchbay_store::systems::{ServerInfo, SystemReport};
use patchbay_store::AuditMeta;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::future::{Future, IntoFuture};
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

/// The service account every fixture customer has, and every fixture agent logs in with.
pub const SERVICE_USER: &str = "COMAdmin";
pub const SERVICE_PASSWORD: &str = "Service#Pass1";
/// The model of `stored_device`.
pub const GENERIC_PHONE: &str = "Generic IPPhone Customer Managed";

// --- customers ------------------------------------------------------------------------------

/// A customer created through `POST /v1/operations/customers` as the administrator.
pub struct CustomerBuilder<'a> {
    hub: &'a TestHub,
    body: Value,
    licences: Option<(i64, i64, i64)>,
}

/// A customer named `name` (`.await` it to create it); its customer ID is the first word of the
/// name in lower case ("Delta Corp": "delta").
pub fn customer<'a>(hub: &'a TestHub, name: &str) -> CustomerBuilder<'a> {
    let cid = name.split(' ').next().unwrap_or_default().to_lowercase();
    let body = json!({
        "name": name,
        "customerId": cid,
        "serviceUserName": SERVICE_USER,
        "servicePassword": SERVICE_PASSWORD,
    });
    CustomerBuilder {
        hub,
        body,
        licences: None,
    }
}

impl CustomerBuilder<'_> {
    pub fn customer_id(self, cid: &str) -> Self {
        self.with("customerId", cid)
    }

    pub fn service_password(self, password: &str) -> Self {
        self.with("servicePassword", password)
    }

    /// The Operators (account ids) assigned to it.
    pub fn operators(self, ids: &[impl AsRef<str>]) -> Self {
        let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
        self.with("operators", json!(ids))
    }

    pub fn tags(self, tags: &[&str]) -> Self {
        self.with("tags", json!(tags))
    }

    /// Any other field of the body (`notes`, `email`, `distributorId` …).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.body[key] = value.into();
        self
    }

    /// Every field of `fields` (an object) set on the body.
    pub fn merge(mut self, fields: Value) -> Self {
        for (k, v) in fields.as_object().into_iter().flatten() {
            self.body[k] = v.clone();
        }
        self
    }

    /// Calling licences, set in the store once the customer exists.
    pub fn licences(mut self, professional: i64, basic: i64, workspaces: i64) -> Self {
        self.licences = Some((professional, basic, workspaces));
        self
    }

    async fn create(self) -> CustomerId {
        let hub = self.hub;
        let name = self.body["name"].clone();
        let r = hub
            .post(&hub.admin_token, "/v1/operations/customers", self.body)
            .await;
        let status = r.status();
        let v: Value = r.json().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "create customer {name}: {v}");
        let id: CustomerId = v["id"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(|e| panic!("customer id in {v}: {e}"));
        if let Some((professional, basic, workspaces)) = self.licences {
            licences(hub, id, professional, basic, workspaces).await;
        }
        id
    }
}

impl<'a> IntoFuture for CustomerBuilder<'a> {
    type Output = CustomerId;
    type IntoFuture = Pin<Box<dyn Future<Output = CustomerId> + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.create())
    }
}

/// Set the customer's calling licences in the store.
pub async fn licences(
    hub: &TestHub,
    c: CustomerId,
    professional: i64,
    basic: i64,
    workspaces: i64,
) {
    hub.store()
        .set_licences(
            &AuditMeta::cli(),
            c,
            &[
                (LicenceKind::Professional, professional),
                (LicenceKind::Basic, basic),
                (LicenceKind::Workspaces, workspaces),
            ],
            &[],
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A distributor (top of the provider tree); its id.
pub async fn distributor(hub: &TestHub, name: &str) -> String {
    provider(hub, "distributors", json!({ "name": name })).await
}

/// A reseller under distributor `dist`; its id.
pub async fn reseller(hub: &TestHub, dist: &str, name: &str) -> String {
    provider(
        hub,
        "resellers",
        json!({ "name": name, "distributorId": dist }),
    )
    .await
}

async fn provider(hub: &TestHub, kind: &str, body: Value) -> String {
    let path = format!("/v1/operations/{kind}");
    let r = hub.post(&hub.admin_token, &path, body).await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap_or_default();
    v["id"].as_str().unwrap_or_default().to_string()
}

// --- calling data, in the store ---------------------------------------------------------------

/// A location in Paris.
pub async fn location(hub: &TestHub, c: CustomerId, name: &str) -> LocationId {
    let w = LocationWrite {
        name: name.into(),
        time_zone: "Europe/Paris".into(),
        preferred_language: "fr_fr".into(),
        announcement_language: "fr_fr".into(),
        address: Address {
            address1: "1 rue de la Paix".into(),
            city: "Paris".into(),
            country: "FR".into(),
            ..Default::default()
        },
        notes: String::new(),
        coordinates: None,
    };
    hub.store()
        .create_location(&AuditMeta::cli(), c, &w)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Active DID numbers of a location.
pub async fn numbers(hub: &TestHub, loc: LocationId, numbers: &[&str]) {
    let numbers: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
    hub.store()
        .add_numbers(&AuditMeta::cli(), loc, &numbers, NumberKind::Did, true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A person with a Professional licence; `name` is "First Last", the e-mail first.last@example.test.
pub async fn person(hub: &TestHub, c: CustomerId, name: &str, loc: Option<LocationId>) -> PersonId {
    let w = PersonWrite {
        email: format!("{}@example.test", name.to_lowercase().replace(' ', ".")),
        display_name: name.into(),
        first_name: name.split(' ').next().unwrap_or_default().into(),
        last_name: name.split(' ').nth(1).unwrap_or_default().into(),
        licence: Some(LicenceKind::Professional),
        identity: CallingIdentity {
            location_id: loc.map(|l| l.0),
            ..Default::default()
        },
        profile: None,
    };
    hub.store()
        .create_person(&AuditMeta::cli(), c, &w)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What `workspace` writes: a Webex Calling workspace with licence `l`.
pub fn workspace_write(name: &str, l: WorkspaceLicence) -> WorkspaceWrite {
    WorkspaceWrite {
        display_name: name.into(),
        licence: Some(l),
        calling_type: "webexCalling".into(),
        ..Default::default()
    }
}

pub async fn workspace(
    hub: &TestHub,
    c: CustomerId,
    name: &str,
    l: WorkspaceLicence,
) -> WorkspaceId {
    hub.store()
        .create_workspace(&AuditMeta::cli(), c, &workspace_write(name, l))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// What `stored_device` writes: a generic phone of `owner` with its SIP data filled in.
pub fn new_device(
    hub: &TestHub,
    owner_kind: MemberKind,
    owner: uuid::Uuid,
    mac: &str,
) -> NewDevice {
    let user = format!("stored{}", &mac[6..]).to_lowercase();
    NewDevice {
        model: GENERIC_PHONE.into(),
        mac: mac.into(),
        owner_kind,
        owner_id: owner,
        sealed_password: hub.running.state.secrets.seal("Stored#Password-2026"),
        line_port: "stored@example.test".into(),
        outbound_proxy: "sip.example.test".into(),
        registrar: "example.test".into(),
        subscriber: patchbay_domain::sip::subscriber_keys(
            &user,
            "example.test",
            "Stored#Password-2026",
            &[1],
        )
        .remove(0),
        prov_ha1: Some(patchbay_domain::prov::prov_ha1(mac, "Stored#Prov-2026")),
        sip_user_name: user,
    }
}

/// A device of a person created in the store (for pages about someone else's data).
pub async fn stored_device(hub: &TestHub, c: CustomerId, owner: PersonId, mac: &str) -> DeviceId {
    let d = new_device(hub, MemberKind::People, owner.0, mac);
    hub.store()
        .create_device(&AuditMeta::cli(), c, &d)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

// --- alarms and systems -------------------------------------------------------------------------

/// Raise alarms of system `ipo-1` as it would, in order: (severity, type, description, ongoing);
/// the description is the key.
pub async fn alarms(hub: &TestHub, c: CustomerId, raised: &[(Severity, AlarmType, &str, bool)]) {
    for &(severity, alarm_type, description, ongoing) in raised {
        hub.store()
            .raise_alarm(&AlarmRaise {
                customer: c,
                system_name: "ipo-1",
                severity,
                alarm_type,
                description,
                key: description,
                ongoing,
                at_ms: jiff::Timestamp::now().as_millisecond(),
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// A system of a customer as the store knows it once its agent connected (and reported).
pub struct SystemBuilder<'a> {
    hub: &'a TestHub,
    customer: CustomerId,
    name: String,
    report: SystemReport,
}

/// A Server Edition 12.1 system at 10.0.0.1, central management on, status and configuration
/// rights, itself its only (primary, online) server.
pub fn system<'a>(hub: &'a TestHub, c: CustomerId, name: &str) -> SystemBuilder<'a> {
    let report = SystemReport {
        profile: Profile::ServerEdition,
        version: "12.1".into(),
        address: "10.0.0.1".into(),
        port: 443,
        flags: RemoteFlags {
            central_management: true,
            ..Default::default()
        },
        account: ServiceAccountState {
            rights: vec![Right::StatusRead, Right::Configuration],
            ..Default::default()
        },
        servers: vec![],
        time_zone: String::new(),
        phone_firmware: String::new(),
        tunnels: Vec::new(),
    };
    SystemBuilder {
        hub,
        customer: c,
        name: name.into(),
        report,
    }
}

/// An online server.
pub fn server(name: &str, role: &str, address: &str, version: &str) -> ServerInfo {
    ServerInfo {
        name: name.into(),
        role: role.into(),
        address: address.into(),
        version: version.into(),
        state: "online".into(),
    }
}

impl SystemBuilder<'_> {
    /// The reported version (also the servers').
    pub fn version(mut self, version: &str) -> Self {
        self.report.version = version.into();
        self
    }

    pub fn address(mut self, address: &str) -> Self {
        self.report.address = address.into();
        self
    }

    pub fn flags(mut self, flags: RemoteFlags) -> Self {
        self.report.flags = flags;
        self
    }

    pub fn rights(mut self, rights: Vec<Right>) -> Self {
        self.report.account.rights = rights;
        self
    }

    pub fn servers(mut self, servers: Vec<ServerInfo>) -> Self {
        self.report.servers = servers;
        self
    }

    /// Connected to this hub's node, nothing reported yet.
    pub async fn connect(&self) -> SystemId {
        let node = &self.hub.running.state.agents.node_id;
        let (id, _) = self
            .hub
            .store()
            .system_connected(self.customer, &self.name, node)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        id
    }

    /// Connected, and its report received.
    pub async fn report(mut self) -> SystemId {
        let id = self.connect().await;
        if self.report.servers.is_empty() {
            let (name, version) = (&self.name, &self.report.version);
            let primary = server(name, "primary", &self.report.address, version);
            self.report.servers.push(primary);
        }
        self.hub
            .store()
            .system_report(self.customer, id, &self.report)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        id
    }
}

/// The three rights a service account can have, as `system.toml` lists them.
pub const ALL_RIGHTS: &str = "\"status-read\", \"configuration\", \"upgrade\"";

/// A real agent (the code the `patchbay-agent` binary runs) for a customer ID, with quick timings.
pub struct AgentBuilder<'a> {
    hub: &'a TestHub,
    customer_id: String,
    user: String,
    password: String,
    system: String,
    profile: String,
    version: String,
    rights: String,
    extra: String,
    time_zone: Option<String>,
    /// The hub node it connects to.
    port: u16,
    remote_access: bool,
    colocated: bool,
    auto_certificates: bool,
    enrolment: Option<String>,
}

/// An agent logging in as the fixture service account, its system `ipo-1`, an IP500 V2 granting
/// every right.
pub fn agent<'a>(hub: &'a TestHub, customer_id: &str) -> AgentBuilder<'a> {
    AgentBuilder {
        hub,
        customer_id: customer_id.into(),
        user: SERVICE_USER.into(),
        password: SERVICE_PASSWORD.into(),
        system: "ipo-1".into(),
        profile: "ip500v2".into(),
        version: "12.1.0.0.123".into(),
        rights: ALL_RIGHTS.into(),
        extra: String::new(),
        time_zone: None,
        port: hub.running.addr.port(),
        remote_access: true,
        colocated: false,
        auto_certificates: false,
        enrolment: None,
    }
}

impl AgentBuilder<'_> {
    pub fn user(mut self, user: &str) -> Self {
        self.user = user.into();
        self
    }

    pub fn password(mut self, password: &str) -> Self {
        self.password = password.into();
        self
    }

    /// The system's name.
    pub fn system(mut self, name: &str) -> Self {
        self.system = name.into();
        self
    }

    pub fn profile(mut self, profile: &str) -> Self {
        self.profile = profile.into();
        self
    }

    /// The rights of the service account, as `system.toml` lists them.
    pub fn rights(mut self, rights: &str) -> Self {
        self.rights = rights.into();
        self
    }

    /// Connect to the hub node listening on `port` (another node of the same hub).
    pub fn node(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The system's time zone (`time_zone` in `system.toml`); absent: the machine's.
    pub fn time_zone(mut self, tz: &str) -> Self {
        self.time_zone = Some(tz.into());
        self
    }

    /// The remote-access and co-located-servers flags (RMT-1; default on and off).
    pub fn remote(mut self, remote_access: bool, colocated: bool) -> Self {
        self.remote_access = remote_access;
        self.colocated = colocated;
        self
    }

    /// The automatic-certificate-management flag (SYS-8; default off).
    pub fn certificates(mut self, on: bool) -> Self {
        self.auto_certificates = on;
        self
    }

    /// The provider's enrolment credential (CUS-8).
    pub fn enrolment(mut self, credential: &str) -> Self {
        self.enrolment = Some(credential.into());
        self
    }

    /// More of `system.toml` (servers, `password_expired` …).
    pub fn extra(mut self, toml: &str) -> Self {
        self.extra = toml.into();
        self
    }

    /// The version `system.toml` reports.
    pub fn version(mut self, version: &str) -> Self {
        self.version = version.into();
        self
    }

    /// Write the system's directory and run the agent on it; cancel the token to stop it.
    pub fn start(self) -> (CancellationToken, PathBuf) {
        let dir = std::env::temp_dir().join(format!("pb-agent-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let (name, profile, rights, extra) = (self.system, self.profile, self.rights, self.extra);
        let version = self.version;
        let (remote, colocated) = (self.remote_access, self.colocated);
        let auto = self.auto_certificates;
        let tz = self
            .time_zone
            .map(|tz| format!("time_zone = \"{tz}\"\n"))
            .unwrap_or_default();
        let toml = format!(
            "{tz}name = \"{name}\"\nprofile = \"{profile}\"\nversion = \"{version}\"\naddress = \"10.0.0.10\"\nport = 443\n\
             [flags]\ncentral_management = true\ncentral_diagnostic_logs = true\nremote_upgrade_backup = true\nremote_access = {remote}\ncolocated_servers = {colocated}\nauto_certificate_management = {auto}\n\
             [service_account]\nrights = [{rights}]\n{extra}"
        );
        std::fs::write(dir.join("system.toml"), toml).unwrap_or_else(|e| panic!("{e}"));
        let mut opts = AgentOptions::new(
            format!("wss://localhost:{}", self.port),
            &self.customer_id,
            Password::new(&self.password),
            &dir,
        );
        opts.service_user = self.user;
        opts.enrolment = self.enrolment.as_deref().map(Password::new);
        opts.trust = Trust::CaPem(self.hub.cert_pem.clone());
        opts.timings = LinkTimings {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(500),
            ..LinkTimings::default()
        };
        opts.checks.server_check = Duration::from_millis(300);
        opts.checks.config_reload = Duration::from_millis(300);
        opts.checks.alarm_poll = Duration::from_millis(100);
        let token = CancellationToken::new();
        let t = token.clone();
        tokio::spawn(async move {
            let _ = run_agent(opts, t).await;
        });
        (token, dir)
    }
}

// --- accounts and the console -------------------------------------------------------------------

/// Log in to the console as an existing account (terms accepted).
pub async fn logged_in(hub: &TestHub, login: &str) -> Browser {
    let b = Browser::new(hub);
    b.login_ready(login, PASSWORD).await;
    b
}

/// A member of staff with `role`, logged in (terms accepted). Returns (account id, browser).
pub async fn staff(hub: &TestHub, login: &str, role: Role) -> (String, Browser) {
    let (id, _) = hub.account(login, role).await;
    (id, logged_in(hub, login).await)
}

/// An Administrator, logged in.
pub async fn admin_browser(hub: &TestHub, login: &str) -> Browser {
    staff(hub, login, Role::Administrator).await.1
}

/// A Customer administrator of `c`, logged in (terms accepted).
pub async fn customer_admin(hub: &TestHub, login: &str, c: CustomerId) -> Browser {
    hub.account_of(Some(c), login, Role::CustomerAdmin, |f| {
        f.first_name = "Cara".into();
        f.last_name = "Admin".into();
        f.read_only_mode = false;
    })
    .await;
    let b = Browser::new(hub);
    let (status, _, location) = b.login(login, PASSWORD, "en").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/com/calling/devices"),
        "a Customer administrator lands on the calling pages"
    );
    let (s, _, _) = b.submit("/com/terms", "/com/terms", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    b
}

/// A customer with five units of every calling licence, and its Customer administrator
/// (`ca-` and the customer ID) logged in.
pub async fn calling_customer(hub: &TestHub, name: &str) -> (CustomerId, Browser) {
    let cid = name.split(' ').next().unwrap_or_default().to_lowercase();
    let c = customer(hub, name).licences(5, 5, 5).await;
    (c, customer_admin(hub, &format!("ca-{cid}"), c).await)
}

/// Change the preferences as the administrator: `edit` the current ones, PUT them back.
pub async fn update_preferences(hub: &TestHub, edit: impl FnOnce(&mut Value)) -> Response {
    let path = "/v1/operations/preferences";
    let mut p = hub.get(&hub.admin_token, path).await.1;
    edit(&mut p);
    hub.put(&hub.admin_token, path, p).await
}

// --- files ----------------------------------------------------------------------------------

/// A tar of (name, bytes), built as any tar tool would.
pub fn tar(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    b.into_inner().unwrap_or_default()
}
