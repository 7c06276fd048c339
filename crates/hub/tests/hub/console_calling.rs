//! Console calling-provisioning pages (DEV-1 … DEV-9, WSP-1 … WSP-3, NUM-1, RBAC-5, TEN-2),
//! driven like a browser without JavaScript.

use crate::common::*;
use crate::fixtures::*;
use patchbay_domain::calling::{LicenceKind, MemberKind};
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::{CustomerId, DeviceId, PersonId, Role, WorkspaceId};
use patchbay_store::calling::devices::NewDevice;
use patchbay_store::calling::workspaces::WorkspaceWrite;
use patchbay_store::AuditMeta;
use reqwest::StatusCode;

pub(crate) const WIZARD: &str = "/com/calling/devices/new";
/// Two line ports (DEV-6).
pub(crate) const TWO_PORTS: &str = "Grandstream HT812";

/// The text of the element with `id` (up to its first tag).
pub(crate) fn text_of(html: &str, id: &str) -> String {
    text_after(html, &format!("id=\"{id}\">"))
}

/// The field message shown next to `field`.
pub(crate) fn field_error(html: &str, field: &str) -> String {
    text_after(html, &format!("data-field=\"{field}\">"))
}

/// The text after `needle`, up to the next tag.
fn text_after(html: &str, needle: &str) -> String {
    let Some(at) = html.find(needle) else {
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

/// A generic phone a new calling customer's administrator added through the wizard for a new
/// person: (the administrator, the wizard's page showing the credentials, the device).
async fn phone_added(
    hub: &TestHub,
    customer: &str,
    person_name: &str,
    mac: &str,
) -> (Browser, String, DeviceId) {
    let (c, ca) = calling_customer(hub, customer).await;
    let p = person(hub, c, person_name, None).await;
    let (_, html) = add_device_for_person(&ca, "", p, GENERIC_PHONE, mac, true).await;
    let id = device_ids(hub, c).await[0];
    (ca, html, id)
}

/// Submit the lines page of a device: `action` ("add", "remove") on `member`.
async fn change_line(
    ca: &Browser,
    lines: &str,
    action: &str,
    member: &str,
) -> (StatusCode, String, Option<String>) {
    ca.submit(lines, lines, &[("action", action), ("member", member)])
        .await
}

/// The calling licences of `c`.
pub(crate) async fn licence_use(
    hub: &TestHub,
    c: CustomerId,
) -> Vec<patchbay_store::calling::Licence> {
    let lic = hub.store().licences(c).await;
    lic.unwrap_or_else(|e| panic!("{e}"))
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

/// The workspaces of `c` (the first ten).
async fn workspace_list(
    hub: &TestHub,
    c: CustomerId,
) -> Vec<patchbay_store::calling::workspaces::Workspace> {
    let (page, filter) = (patchbay_store::PageRequest::new(0, 10), Default::default());
    let listed = hub.store().list_workspaces(c, &filter, page).await;
    listed.unwrap_or_else(|e| panic!("{e}")).0
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
    let (c, ca) = calling_customer(&hub, "Delta Corp").await;
    let p = person(&hub, c, "Dora Delta", None).await;
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
    let (c, ca) = calling_customer(&hub, "Echo Corp").await;
    let p = person(&hub, c, "Eve Echo", None).await;
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
    let c = customer(&hub, "Foxtrot Corp").licences(5, 5, 5).await;
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
    let (ca, html, id) = phone_added(&hub, "Golf Corp", "Gil Golf", "00:1A:2B:3C:4D:20").await;
    let user = text_of(&html, "cred-user");
    let password = text_of(&html, "cred-password");
    let action = format!("/com/calling/devices/{id}/credentials");
    assert!(html.contains(&format!("action=\"{action}\"")));
    assert_eq!(
        hidden(&html, "sipPassword").as_deref(),
        Some(password.as_str())
    );
    let prov = text_of(&html, "cred-prov-password");
    assert_eq!(
        hidden(&html, "provisioningPassword").as_deref(),
        Some(prov.as_str())
    );
    assert_eq!(text_of(&html, "cred-prov-user"), "001a2b3c4d20");
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let r = ca
        .client
        .post(format!("{}{action}", ca.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("sipPassword", password.as_str()),
            ("provisioningPassword", prov.as_str()),
        ])
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
        Some("deviceId,model,macAddress,sipUserName,sipPassword,linePort,outboundProxy,registrarDomain,provisioningUser,provisioningPassword")
    );
    let row = lines.next().unwrap_or_default();
    assert!(
        row.contains(&format!(",001A2B3C4D20,{user},{password},{user}@golf.")),
        "{row}"
    );
    assert!(row.ends_with(&format!(",001a2b3c4d20,{prov}")), "{row}");
    // Only the device's current password makes a file; the page is needed for it.
    let (s, _, _) = ca
        .submit(
            "/com/calling/devices",
            &action,
            &[
                ("sipPassword", "Not#The-Password1"),
                ("provisioningPassword", prov.as_str()),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = ca
        .submit(
            "/com/calling/devices",
            &action,
            &[
                ("sipPassword", password.as_str()),
                ("provisioningPassword", "Not#The-Password1"),
            ],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a wrong provisioning password makes no file"
    );
    let (s, _, _) = ca
        .post(&action, &[("sipPassword", password.as_str())])
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "no CSRF token, no file");
    hub.stop().await;
}

#[tokio::test]
async fn dev_5_reset_password_shown_once() {
    let hub = TestHub::start().await;
    let (ca, html, id) = phone_added(&hub, "Hotel Corp", "Hal Hotel", "00:1A:2B:3C:4D:30").await;
    let first = text_of(&html, "cred-password");
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
    let (c, ca) = calling_customer(&hub, "India Corp").await;
    let w = workspace(&hub, c, "India Lobby", WorkspaceLicence::CommonArea).await;
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
    let c = customer(&hub, "Juliet Corp").licences(5, 5, 1).await;
    let loc = location(&hub, c, "Juliet HQ").await;
    numbers(&hub, loc, &["+33160871140"]).await;
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
    let items = workspace_list(&hub, c).await;
    assert!(items.is_empty(), "no half-done workspace");
    let lic = licence_use(&hub, c).await;
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
    let items = workspace_list(&hub, c).await;
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
    let c = customer(&hub, "Kilo Corp").licences(5, 5, 1).await;
    let p = person(&hub, c, "Kim Kilo", None).await;
    stored_device(&hub, c, p, "00AABBCC0001").await;
    let id = WorkspaceId::new();
    let w = WorkspaceWrite {
        room_type: "notSet".into(),
        supported_devices: "phones".into(),
        ..workspace_write("Kilo Lobby", WorkspaceLicence::CommonArea)
    };
    let mut d = NewDevice {
        sip_user_name: "kilolobby0001".into(),
        sealed_password: hub.running.state.secrets.seal("Kilo#Password-2026"),
        line_port: "kilolobby0001@example.test".into(),
        subscriber: patchbay_domain::sip::subscriber_keys(
            "kilolobby0001",
            "example.test",
            "Kilo#Password-2026",
            &[1],
        )
        .remove(0),
        ..new_device(&hub, MemberKind::Place, id.0, "00AABBCC0001")
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
    let lic = licence_use(&hub, c).await;
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
    let (c, ca) = calling_customer(&hub, "Kilo Corp").await;
    let owner = person(&hub, c, "Kim Kilo", None).await;
    let second = person(&hub, c, "Ken Kilo", None).await;
    let third = workspace(&hub, c, "Kilo Desk", WorkspaceLicence::Professional).await;
    let (s, _) = add_device_for_person(&ca, "", owner, TWO_PORTS, "00:1A:2B:3C:4D:60", true).await;
    assert_eq!(s, StatusCode::OK);
    let id = device_ids(&hub, c).await[0];
    let lines = format!("/com/calling/devices/{id}/lines");
    let (s, html, _) = ca.get(&lines).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("1 ports used") && html.contains("Kim Kilo"));
    assert!(html.contains(&format!("PEOPLE:{second}")) && html.contains(&format!("PLACE:{third}")));
    // UI-1: a search matching no candidate says so and offers to clear it.
    let (_, html, _) = ca.get(&format!("{lines}?q=zzz-nobody")).await;
    let empty = html.split("class=\"empty\"").nth(1).unwrap_or_default();
    assert!(
        empty.contains("No matching entries.") && empty.contains(&format!("href=\"{lines}\"")),
        "{empty}"
    );
    let member = format!("PEOPLE:{second}");
    let (s, _, to) = change_line(&ca, &lines, "add", &member).await;
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
    let (s, html, _) = change_line(&ca, &lines, "add", &extra).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Every port of this model is in use"));
    // Remove one line: the reminder about the physical device.
    let (s, _, to) = change_line(&ca, &lines, "remove", &member).await;
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
    change_line(&ca, &lines, "add", &extra).await;
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
    let (c, ca) = calling_customer(&hub, "November Corp").await;
    let a = person(&hub, c, "Nina North", None).await;
    let b = person(&hub, c, "Noel South", None).await;
    stored_device(&hub, c, a, "0011223344D1").await;
    stored_device(&hub, c, b, "0011223344D2").await;
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
