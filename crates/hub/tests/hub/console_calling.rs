//! Console calling-provisioning pages (DEV-1 … DEV-9, WSP-1 … WSP-3, NUM-1, RBAC-5, TEN-2),
//! driven like a browser without JavaScript.

use crate::common::*;
use patchbay_domain::account::AccountFields;
use patchbay_domain::calling::{LicenceKind, MemberKind, NumberKind};
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::{CustomerId, DeviceId, LocationId, PersonId, Role, WorkspaceId};
use patchbay_store::calling::devices::NewDevice;
use patchbay_store::calling::locations::{Address, LocationWrite};
use patchbay_store::calling::people::PersonWrite;
use patchbay_store::calling::workspaces::WorkspaceWrite;
use patchbay_store::calling::CallingIdentity;
use patchbay_store::{AuditMeta, NewAccount};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub(crate) const WIZARD: &str = "/com/calling/devices/new";
pub(crate) const GENERIC_PHONE: &str = "Generic IPPhone Customer Managed";
/// Two line ports (DEV-6).
pub(crate) const TWO_PORTS: &str = "Grandstream HT812";

pub(crate) async fn customer(
    hub: &TestHub,
    name: &str,
    cid: &str,
    operators: &[&str],
) -> CustomerId {
    let r = hub
        .api(
            &hub.admin_token,
            Method::POST,
            "/v1/operations/customers",
            Some(json!({"name": name, "customerId": cid, "servicePassword": "Service#Pass1", "operators": operators})),
        )
        .await;
    let status = r.status();
    let v: Value = r.json().await.unwrap_or_default();
    assert_eq!(status, StatusCode::OK, "{v}");
    v["id"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) async fn licences(
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
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A Customer administrator of `c`, logged in (terms accepted).
pub(crate) async fn customer_admin(hub: &TestHub, login: &str, c: CustomerId) -> Browser {
    let fields = AccountFields {
        login_name: login.into(),
        role: Role::CustomerAdmin,
        first_name: "Cara".into(),
        last_name: "Admin".into(),
        phone_number: String::new(),
        mobile: String::new(),
        email: String::new(),
        labels: vec![],
        session_timeout_minutes: None,
        kiosk_mode: false,
        read_only_mode: false,
        disabled: false,
        force_password_change: false,
        expires_on: None,
        language: "en".into(),
    };
    hub.store()
        .create_account(
            &AuditMeta::cli(),
            NewAccount {
                fields,
                password_hash: patchbay_store::crypto::hash_password(PASSWORD),
                created_by: None,
                customer_id: Some(c),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
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

pub(crate) async fn staff(hub: &TestHub, login: &str, role: Role) -> (String, Browser) {
    let (id, _) = hub.account(login, role).await;
    let b = Browser::new(hub);
    b.login_ready(login, PASSWORD).await;
    (id, b)
}

pub(crate) async fn location(hub: &TestHub, c: CustomerId, name: &str) -> LocationId {
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
    };
    hub.store()
        .create_location(&AuditMeta::cli(), c, &w)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) async fn person(
    hub: &TestHub,
    c: CustomerId,
    name: &str,
    loc: Option<LocationId>,
) -> PersonId {
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
    };
    hub.store()
        .create_person(&AuditMeta::cli(), c, &w)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) async fn workspace(
    hub: &TestHub,
    c: CustomerId,
    name: &str,
    l: WorkspaceLicence,
) -> WorkspaceId {
    let w = WorkspaceWrite {
        display_name: name.into(),
        licence: Some(l),
        calling_type: "webexCalling".into(),
        ..Default::default()
    };
    hub.store()
        .create_workspace(&AuditMeta::cli(), c, &w)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A device created in the store (for pages about someone else's data).
pub(crate) async fn stored_device(
    hub: &TestHub,
    c: CustomerId,
    owner: PersonId,
    mac: &str,
) -> DeviceId {
    let d = NewDevice {
        model: GENERIC_PHONE.into(),
        mac: mac.into(),
        owner_kind: MemberKind::People,
        owner_id: owner.0,
        sip_user_name: format!("stored{}", &mac[6..]).to_lowercase(),
        sealed_password: hub.running.state.secrets.seal("Stored#Password-2026"),
        line_port: "stored@example.test".into(),
        outbound_proxy: "sip.example.test".into(),
        registrar: "example.test".into(),
    };
    hub.store()
        .create_device(&AuditMeta::cli(), c, &d)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The text of the element with `id` (up to its first tag).
pub(crate) fn text_of(html: &str, id: &str) -> String {
    let needle = format!("id=\"{id}\">");
    let Some(at) = html.find(&needle) else {
        return String::new();
    };
    let rest = &html[at + needle.len()..];
    rest[..rest.find('<').unwrap_or(rest.len())]
        .trim()
        .to_string()
}

/// The field message shown next to `field`.
pub(crate) fn field_error(html: &str, field: &str) -> String {
    let needle = format!("data-field=\"{field}\">");
    let Some(at) = html.find(&needle) else {
        return String::new();
    };
    let rest = &html[at + needle.len()..];
    rest[..rest.find('<').unwrap_or(rest.len())]
        .trim()
        .to_string()
}

/// Save the wizard's device step for a person; returns (status, html).
pub(crate) async fn add_device_for_person(
    b: &Browser,
    org: &str,
    p: PersonId,
    model: &str,
    mac: &str,
    disclaimer: bool,
) -> (StatusCode, String) {
    let page = format!("{WIZARD}?{org}usage=person&person={p}");
    let person = p.to_string();
    let mut form = vec![
        ("step", "save"),
        ("usage", "person"),
        ("person", person.as_str()),
        ("kind", "customer"),
        ("model", model),
        ("mac", mac),
    ];
    if disclaimer {
        form.push(("disclaimer", "1"));
    }
    let (s, html, _) = b.submit(&page, &format!("{WIZARD}?{org}"), &form).await;
    (s, html)
}

pub(crate) async fn device_ids(hub: &TestHub, c: CustomerId) -> Vec<DeviceId> {
    let (items, _) = hub
        .store()
        .list_devices(
            c,
            &Default::default(),
            patchbay_store::PageRequest::new(0, 100),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    items.into_iter().map(|d| d.id).collect()
}

pub(crate) async fn clear_password(hub: &TestHub, d: DeviceId) -> String {
    let sealed = hub
        .store()
        .device_sealed_password(d)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    hub.running
        .state
        .secrets
        .open(&sealed)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn dev_2_wizard_requires_the_disclaimer() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Delta Corp", "delta", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let p = person(&hub, c, "Dora Delta", None).await;
    let ca = customer_admin(&hub, "ca-delta", c).await;
    // Step 1: the person is searchable by name or e-mail.
    let (s, html, _) = ca.get(&format!("{WIZARD}?usage=person&q=dora.delta")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("value=\"{p}\"")) && html.contains("Dora Delta"));
    let (_, html, _) = ca.get(&format!("{WIZARD}?usage=person&q=nobody")).await;
    assert!(!html.contains("Dora Delta"));
    // Step 2 offers the kinds, the generic profiles and the disclaimer.
    let (_, html, _) = ca.get(&format!("{WIZARD}?usage=person&person={p}")).await;
    assert!(html.contains("Generic SIP phone") && html.contains("Generic SIP gateway"));
    assert!(html.contains("id=\"kind-partner\"") && html.contains("id=\"kind-fax\""));
    assert!(html.contains("name=\"disclaimer\""));
    let (s, html) =
        add_device_for_person(&ca, "", p, GENERIC_PHONE, "00:1A:2B:3C:4D:01", false).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        field_error(&html, "disclaimer").contains("toll fraud"),
        "{}",
        field_error(&html, "disclaimer")
    );
    assert!(
        html.contains("value=\"00:1A:2B:3C:4D:01\""),
        "the typed MAC is kept"
    );
    assert!(
        device_ids(&hub, c).await.is_empty(),
        "nothing saved without the disclaimer"
    );
    let (s, html) =
        add_device_for_person(&ca, "", p, GENERIC_PHONE, "00:1A:2B:3C:4D:01", true).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert_eq!(device_ids(&hub, c).await.len(), 1);
    hub.stop().await;
}

#[tokio::test]
async fn dev_3_mac_validated_and_unique_and_partner_needs_a_password() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Echo Corp", "echo", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let p = person(&hub, c, "Eve Echo", None).await;
    let ca = customer_admin(&hub, "ca-echo", c).await;
    let (s, html) = add_device_for_person(&ca, "", p, GENERIC_PHONE, "00:1A:2B", true).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "mac").contains("not a MAC address"));
    let (s, _) = add_device_for_person(&ca, "", p, GENERIC_PHONE, "001a.2b3c.4d02", true).await;
    assert_eq!(s, StatusCode::OK);
    let (s, html) =
        add_device_for_person(&ca, "", p, GENERIC_PHONE, "00-1A-2B-3C-4D-02", true).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "mac").contains("already used"));
    // Partner-managed: the SIP password is required and must meet the policy.
    let page = format!("{WIZARD}?usage=person&person={p}");
    let person = p.to_string();
    let base = [
        ("step", "save"),
        ("usage", "person"),
        ("person", person.as_str()),
        ("kind", "partner"),
        ("partnerModel", "Partner Managed Yealink T33G"),
        ("mac", "00:1A:2B:3C:4D:03"),
        ("disclaimer", "1"),
    ];
    let (s, html, _) = ca.submit(&page, WIZARD, &base).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "sipPassword").contains("required"));
    let mut weak = base.to_vec();
    weak.push(("sipPassword", "short"));
    let (s, html, _) = ca.submit(&page, WIZARD, &weak).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "sipPassword").contains("16 characters"));
    let mut good = base.to_vec();
    good.push(("sipPassword", "Partner*Pass-2026x"));
    let (s, html, _) = ca.submit(&page, WIZARD, &good).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(text_of(&html, "cred-password"), "Partner*Pass-2026x");
    // Fax: the MAC is generated (the typed one is ignored).
    let fax = [
        ("step", "save"),
        ("usage", "person"),
        ("person", person.as_str()),
        ("kind", "fax"),
        ("disclaimer", "1"),
    ];
    let (s, html, _) = ca.submit(&page, WIZARD, &fax).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        text_of(&html, "cred-mac").starts_with("02:"),
        "{}",
        text_of(&html, "cred-mac")
    );
    hub.stop().await;
}

#[tokio::test]
async fn dev_4_credentials_shown_once_then_masked() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Foxtrot Corp", "foxtrot", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let p = person(&hub, c, "Finn Fox", None).await;
    let (_, admin) = staff(&hub, "adm", Role::Administrator).await;
    let org = format!("org={c}&");
    let (s, html) =
        add_device_for_person(&admin, &org, p, GENERIC_PHONE, "00:1A:2B:3C:4D:10", true).await;
    assert_eq!(s, StatusCode::OK);
    let user = text_of(&html, "cred-user");
    let password = text_of(&html, "cred-password");
    assert!(user.starts_with("finnfox"), "{user}");
    assert_eq!(password.len(), 16);
    assert_eq!(
        text_of(&html, "cred-line"),
        format!("{user}@foxtrot.sip.patchbay.local")
    );
    assert_eq!(text_of(&html, "cred-proxy"), "sip.patchbay.local");
    assert_eq!(
        text_of(&html, "cred-registrar"),
        "foxtrot.sip.patchbay.local"
    );
    assert_eq!(text_of(&html, "cred-mac"), "00:1A:2B:3C:4D:10");
    assert!(html.contains("shown only on this page"));
    let ids = device_ids(&hub, c).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(
        clear_password(&hub, ids[0]).await,
        password,
        "the shown password is the device's"
    );
    // Afterwards: masked everywhere.
    for path in [
        format!("/com/calling/devices/{}?org={c}", ids[0]),
        format!("/com/calling/devices?org={c}"),
        format!("/com/calling/people/{p}?org={c}"),
        format!("/com/calling/devices/{}/lines?org={c}", ids[0]),
    ] {
        let (s, page, _) = admin.get(&path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(page.contains(&user), "{path} shows the SIP user name");
        assert!(!page.contains(&password), "{path} shows the password");
    }
    let (_, page, _) = admin
        .get(&format!("/com/calling/devices/{}?org={c}", ids[0]))
        .await;
    assert_eq!(text_of(&page, "sip-password"), "••••••••");
    hub.stop().await;
}

#[tokio::test]
async fn dev_4_csv_download_has_the_credentials() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Golf Corp", "golf", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let p = person(&hub, c, "Gil Golf", None).await;
    let ca = customer_admin(&hub, "ca-golf", c).await;
    let (_, html) =
        add_device_for_person(&ca, "", p, GENERIC_PHONE, "00:1A:2B:3C:4D:20", true).await;
    let user = text_of(&html, "cred-user");
    let password = text_of(&html, "cred-password");
    let id = device_ids(&hub, c).await[0];
    let action = format!("/com/calling/devices/{id}/credentials");
    assert!(html.contains(&format!("action=\"{action}\"")));
    assert_eq!(
        hidden(&html, "sipPassword").as_deref(),
        Some(password.as_str())
    );
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let r = ca
        .client
        .post(format!("{}{action}", ca.base))
        .form(&[("csrf", csrf.as_str()), ("sipPassword", password.as_str())])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::OK);
    let header = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(header("content-type").starts_with("text/csv"));
    assert!(header("content-disposition").starts_with("attachment"));
    assert_eq!(header("cache-control"), "no-store");
    let csv = r.text().await.unwrap_or_default();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("deviceId,model,macAddress,sipUserName,sipPassword,linePort,outboundProxy,registrarDomain")
    );
    let row = lines.next().unwrap_or_default();
    assert!(
        row.contains(&format!(",001A2B3C4D20,{user},{password},{user}@golf.")),
        "{row}"
    );
    // Only the device's current password makes a file; the page is needed for it.
    let (s, _, _) = ca
        .submit(
            "/com/calling/devices",
            &action,
            &[("sipPassword", "Not#The-Password1")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = ca
        .post(&action, &[("sipPassword", password.as_str())])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no CSRF token, no file");
    hub.stop().await;
}

#[tokio::test]
async fn dev_5_reset_password_shown_once() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Hotel Corp", "hotel", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let p = person(&hub, c, "Hal Hotel", None).await;
    let ca = customer_admin(&hub, "ca-hotel", c).await;
    let (_, html) =
        add_device_for_person(&ca, "", p, GENERIC_PHONE, "00:1A:2B:3C:4D:30", true).await;
    let first = text_of(&html, "cred-password");
    let id = device_ids(&hub, c).await[0];
    let confirm = format!("/com/calling/devices/{id}/password");
    let (s, html, _) = ca.get(&confirm).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Reset SIP password") && html.contains("id=\"password-submit\""));
    assert!(!html.contains(&first));
    let (s, html, _) = ca.submit(&confirm, &confirm, &[]).await;
    assert_eq!(s, StatusCode::OK);
    let second = text_of(&html, "cred-password");
    assert_eq!(second.len(), 16);
    assert_ne!(second, first);
    assert!(html.contains("The SIP password was replaced."));
    assert_eq!(clear_password(&hub, id).await, second);
    let (_, page, _) = ca.get(&format!("/com/calling/devices/{id}")).await;
    assert!(!page.contains(&second) && !page.contains(&first));
    assert_eq!(text_of(&page, "sip-password"), "••••••••");
    hub.stop().await;
}

#[tokio::test]
async fn wsp_2_add_device_disabled_at_the_limit() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "India Corp", "india", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let w = workspace(&hub, c, "India Lobby", WorkspaceLicence::CommonArea).await;
    let ca = customer_admin(&hub, "ca-india", c).await;
    let ws = w.to_string();
    let save = |mac: &'static str| {
        vec![
            ("step", "save"),
            ("usage", "workspace"),
            ("workspace", ws.as_str()),
            ("kind", "customer"),
            ("model", GENERIC_PHONE),
            ("mac", mac),
            ("disclaimer", "1"),
        ]
    };
    let page = format!("{WIZARD}?usage=workspace&workspace={w}");
    let (s, _, _) = ca.submit(&page, WIZARD, &save("00:1A:2B:3C:4D:40")).await;
    assert_eq!(s, StatusCode::OK);
    // The workspace page: "Add device" disabled with the notice.
    let (_, html, _) = ca.get(&format!("/com/calling/workspaces/{w}")).await;
    assert!(html.contains("id=\"workspace-add-device\" disabled"));
    assert_eq!(
        text_of(&html, "workspace-limit"),
        "This workspace has reached its device limit."
    );
    // The wizard offers it disabled with the notice, and refuses it.
    let (_, html, _) = ca.get(&format!("{WIZARD}?usage=workspace")).await;
    assert!(html.contains(&format!("value=\"{w}\" required disabled")));
    assert!(html.contains("This workspace has reached its device limit."));
    let (s, html, _) = ca.get(&page).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("id=\"wizard-notice\""));
    let (s, _, _) = ca
        .submit(
            &format!("{WIZARD}?usage=workspace"),
            WIZARD,
            &save("00:1A:2B:3C:4D:41"),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(device_ids(&hub, c).await.len(), 1);
    // A professional workspace takes up to five.
    let pro = workspace(&hub, c, "India Room", WorkspaceLicence::Professional).await;
    let (_, html, _) = ca.get(&format!("/com/calling/workspaces/{pro}")).await;
    assert!(
        html.contains("id=\"workspace-add-device\" href="),
        "enabled below the limit"
    );
    hub.stop().await;
}

#[tokio::test]
async fn wsp_1_new_workspace_created_with_its_device_or_not_at_all() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Juliet Corp", "juliet", &[]).await;
    licences(&hub, c, 5, 5, 1).await;
    let loc = location(&hub, c, "Juliet HQ").await;
    hub.store()
        .add_numbers(
            &AuditMeta::cli(),
            loc,
            &["+33160871140".into()],
            NumberKind::Did,
            true,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ca = customer_admin(&hub, "ca-juliet", c).await;
    let start = format!("{WIZARD}?usage=newWorkspace");
    let (_, html, _) = ca.get(&start).await;
    assert!(html.contains("name=\"workspaceName\"") && html.contains("+33160871140"));
    // WSP-1 name rules at the workspace step.
    let (s, html, _) = ca
        .submit(
            &start,
            WIZARD,
            &[
                ("step", "workspace"),
                ("workspaceName", "Lobby #1"),
                ("licence", "commonArea"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "workspaceName").contains("may not contain"));
    let loc_s = loc.to_string();
    let ws = [
        ("workspaceName", "Juliet Lobby"),
        ("roomType", "open"),
        ("capacity", "12"),
        ("licence", "commonArea"),
        ("locationId", loc_s.as_str()),
        ("phoneNumber", "+33160871140"),
        ("extension", "4140"),
    ];
    let mut next = vec![("step", "workspace")];
    next.extend_from_slice(&ws);
    let (s, html, _) = ca.submit(&start, WIZARD, &next).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(text_of(&html, "owner-name"), "Juliet Lobby");
    assert!(
        html.contains("name=\"workspaceName\" value=\"Juliet Lobby\""),
        "carried as hidden fields"
    );
    // A bad MAC: reported, and no workspace is left behind.
    let mut save = vec![
        ("step", "save"),
        ("usage", "newWorkspace"),
        ("kind", "customer"),
        ("model", GENERIC_PHONE),
        ("disclaimer", "1"),
    ];
    save.extend_from_slice(&ws);
    let mut bad = save.clone();
    bad.push(("mac", "zz:1A:2B:3C:4D:50"));
    let (s, html, _) = ca.submit(&start, WIZARD, &bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "mac").contains("not a MAC address"));
    let (items, _) = hub
        .store()
        .list_workspaces(
            c,
            &Default::default(),
            patchbay_store::PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(items.is_empty(), "no half-done workspace");
    let lic = hub
        .store()
        .licences(c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lic.iter().all(|l| l.consumed_units == 0),
        "no licence unit taken"
    );
    // Good: both in one submit; the workspace holds the number, the extension and the device.
    let mut good = save.clone();
    good.push(("mac", "00:1A:2B:3C:4D:50"));
    let (s, html, _) = ca.submit(&start, WIZARD, &good).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(text_of(&html, "cred-user").starts_with("julietlobby"));
    let (items, _) = hub
        .store()
        .list_workspaces(
            c,
            &Default::default(),
            patchbay_store::PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].device_count, 1);
    assert_eq!(
        items[0].fields.identity.phone_number.as_deref(),
        Some("+33160871140")
    );
    assert_eq!(items[0].fields.capacity, Some(12));
    // The only workspace licence is used now: a second new workspace is refused with the reason.
    let mut again = save.clone();
    again[5] = ("workspaceName", "Juliet Hall");
    again.retain(|(k, _)| *k != "phoneNumber" && *k != "extension");
    again.push(("mac", "00:1A:2B:3C:4D:51"));
    let (s, html, _) = ca.submit(&start, WIZARD, &again).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("No Workspaces calling licence is left"),
        "{html}"
    );
    assert_eq!(device_ids(&hub, c).await.len(), 1);
    hub.stop().await;
}

/// The wizard's new workspace and its device are one transaction: a device refused only when it
/// is written (its MAC taken by a concurrent request after the wizard's check) leaves no
/// workspace and no licence unit behind.
#[tokio::test]
async fn wsp_1_new_workspace_and_its_device_commit_together() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Kilo Corp", "kilo", &[]).await;
    licences(&hub, c, 5, 5, 1).await;
    let p = person(&hub, c, "Kim Kilo", None).await;
    stored_device(&hub, c, p, "00AABBCC0001").await;
    let id = WorkspaceId::new();
    let w = WorkspaceWrite {
        display_name: "Kilo Lobby".into(),
        room_type: "notSet".into(),
        licence: Some(WorkspaceLicence::CommonArea),
        calling_type: "webexCalling".into(),
        supported_devices: "phones".into(),
        ..Default::default()
    };
    let mut d = NewDevice {
        model: GENERIC_PHONE.into(),
        mac: "00AABBCC0001".into(),
        owner_kind: MemberKind::Place,
        owner_id: id.0,
        sip_user_name: "kilolobby0001".into(),
        sealed_password: hub.running.state.secrets.seal("Kilo#Password-2026"),
        line_port: "kilolobby0001@example.test".into(),
        outbound_proxy: "sip.example.test".into(),
        registrar: "example.test".into(),
    };
    let refused = hub
        .store()
        .create_workspace_with_device(&AuditMeta::cli(), c, id, &w, &d)
        .await;
    assert!(
        matches!(
            refused,
            Err(patchbay_store::StoreError::Taken(
                patchbay_store::Taken::Mac
            ))
        ),
        "{refused:?}"
    );
    assert!(
        hub.store().workspace(id).await.is_err(),
        "no workspace without its device"
    );
    let lic = hub
        .store()
        .licences(c)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lic.iter()
            .filter(|l| l.kind == LicenceKind::Workspaces)
            .all(|l| l.consumed_units == 0),
        "the workspace licence unit is not taken"
    );
    // With a free MAC both exist, the device on the workspace.
    d.mac = "00AABBCC0002".into();
    let device = hub
        .store()
        .create_workspace_with_device(&AuditMeta::cli(), c, id, &w, &d)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ws = hub
        .store()
        .workspace(id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ws.device_count, 1);
    assert!(device_ids(&hub, c).await.contains(&device));
    hub.stop().await;
}

#[tokio::test]
async fn dev_6_lines_up_to_the_port_count() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Kilo Corp", "kilo", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let owner = person(&hub, c, "Kim Kilo", None).await;
    let second = person(&hub, c, "Ken Kilo", None).await;
    let third = workspace(&hub, c, "Kilo Desk", WorkspaceLicence::Professional).await;
    let ca = customer_admin(&hub, "ca-kilo", c).await;
    let (s, _) = add_device_for_person(&ca, "", owner, TWO_PORTS, "00:1A:2B:3C:4D:60", true).await;
    assert_eq!(s, StatusCode::OK);
    let id = device_ids(&hub, c).await[0];
    let lines = format!("/com/calling/devices/{id}/lines");
    let (s, html, _) = ca.get(&lines).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("1 ports used") && html.contains("Kim Kilo"));
    assert!(html.contains(&format!("PEOPLE:{second}")) && html.contains(&format!("PLACE:{third}")));
    let member = format!("PEOPLE:{second}");
    let (s, _, to) = ca
        .submit(
            &lines,
            &lines,
            &[("action", "add"), ("member", member.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = ca.get(&to.unwrap_or_default()).await;
    assert!(html.contains("The line was added."));
    assert!(html.contains("2 ports used") && html.contains("Ken Kilo"));
    assert!(
        html.contains("id=\"line-add-disabled\" disabled"),
        "the add action is disabled at the limit"
    );
    assert!(html.contains("Every port of this model is in use"));
    let (_, dev, _) = ca.get(&format!("/com/calling/devices/{id}")).await;
    assert!(dev.contains("Shared line"));
    // Beyond the port count: refused with the reason.
    let extra = format!("PLACE:{third}");
    let (s, html, _) = ca
        .submit(
            &lines,
            &lines,
            &[("action", "add"), ("member", extra.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Every port of this model is in use"));
    // Remove one line: the reminder about the physical device.
    let (s, _, to) = ca
        .submit(
            &lines,
            &lines,
            &[("action", "remove"), ("member", member.as_str())],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = ca.get(&to.unwrap_or_default()).await;
    assert!(html.contains("Remove their SIP data from the physical device too."));
    assert!(html.contains("1 ports used"));
    let got = hub
        .store()
        .device_lines(id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.len(), 1);
    // Remove all: the owner keeps port 1.
    ca.submit(
        &lines,
        &lines,
        &[("action", "add"), ("member", extra.as_str())],
    )
    .await;
    assert_eq!(
        hub.store().device_lines(id).await.unwrap_or_default().len(),
        2
    );
    let (s, _, _) = ca.submit(&lines, &lines, &[("action", "clear")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let got = hub
        .store()
        .device_lines(id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.len(), 1);
    assert!(got[0].primary_owner);
    // Delete: the confirm page says to clear the physical device.
    let del = format!("/com/calling/devices/{id}/delete");
    let (_, html, _) = ca.get(&del).await;
    assert!(html.contains("Remove the SIP registration data"));
    let (s, _, to) = ca.submit(&del, &del, &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = ca.get(&to.unwrap_or_default()).await;
    assert!(html.contains("The device was deleted. Remove its SIP registration data"));
    assert!(device_ids(&hub, c).await.is_empty());
    hub.stop().await;
}

#[tokio::test]
async fn dev_7_search_fills_the_device_list() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "November Corp", "november", &[]).await;
    licences(&hub, c, 5, 5, 5).await;
    let a = person(&hub, c, "Nina North", None).await;
    let b = person(&hub, c, "Noel South", None).await;
    stored_device(&hub, c, a, "0011223344D1").await;
    stored_device(&hub, c, b, "0011223344D2").await;
    let ca = customer_admin(&hub, "ca-nov", c).await;
    let (_, html, _) = ca.get("/com/calling/devices").await;
    assert!(
        html.contains("data-live-search=\"devices-results\"")
            && html.contains("id=\"devices-results\"")
    );
    assert!(html.contains("Nina North") && html.contains("Noel South"));
    let (_, html, _) = ca.get("/com/calling/devices?q=nina").await;
    assert!(html.contains("Nina North") && !html.contains("Noel South"));
    assert!(html.contains("name=\"q\" id=\"devices-search\" value=\"nina\""));
    hub.stop().await;
}
