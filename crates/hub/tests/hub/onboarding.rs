//! ONB-1: a provider onboards a calling customer from the console — the customer's calling
//! licences (a total below what is assigned refused with the reason), a Customer administrator
//! invited by e-mail (or, without a relay, the link shown once), who sets their password from
//! the one-time link and signs in to the calling pages.

use crate::common::*;
use crate::fixtures;
use patchbay_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

/// The `href` of the first link to `/com/invitation/…` in `text`.
fn invitation_link(text: &str) -> Option<String> {
    let at = text.find("/com/invitation/")?;
    let rest = &text[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_')))
        .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

#[tokio::test]
async fn onb_1_licences_from_the_customer_page_refuse_going_below_what_is_assigned() {
    let hub = TestHub::start().await;
    let cid = fixtures::customer(&hub, "Onboard One").await;
    let staff = fixtures::admin_browser(&hub, "onb-admin").await;
    let page = format!("/com/customers/{cid}/licences");
    let (st, html, _) = staff.get(&format!("/com/customers/{cid}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(&format!("href=\"{page}\"")), "details link");
    let form = [
        ("professional", "5"),
        ("basic", "2"),
        ("workspaces", "1"),
        ("newSubscription", "Sub-go-1"),
        ("newUnits", "3"),
    ];
    let (st, _, loc) = staff.submit(&page, &page, &form).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(loc, Some(format!("{page}?done=saved")));
    let (_, html, _) = staff.get(&format!("{page}?done=saved")).await;
    assert!(html.contains("The licences were saved."));
    assert!(
        html.contains("name=\"mobile:Sub-go-1\" value=\"3\""),
        "{html}"
    );
    let v = hub
        .get(&hub.admin_token, &format!("/v1/licenses?orgId={cid}"))
        .await
        .1;
    let total = |name: &str| {
        v["items"]
            .as_array()
            .and_then(|i| i.iter().find(|l| l["name"] == name))
            .map(|l| l["totalUnits"].clone())
    };
    assert_eq!(total("Webex Calling - Professional"), Some(json!(5)), "{v}");
    // One professional licence assigned: 0 is refused with the reason, on its field.
    let loc_body = json!({"name": "HQ", "timeZone": "Europe/Paris", "address": {"address1": "1 rue",
        "city": "Paris", "postalCode": "75002", "country": "FR"}});
    let r = hub
        .post(
            &hub.admin_token,
            &format!("/v1/locations?orgId={cid}"),
            loc_body,
        )
        .await;
    let loc: serde_json::Value = r.json().await.unwrap_or_default();
    let lic = v["items"][0]["id"].as_str().unwrap_or_default().to_string();
    let person = json!({"emails": ["p@onb.test"], "firstName": "P", "lastName": "One",
        "locationId": loc["id"], "licenses": [lic], "orgId": cid.to_string()});
    let r = hub.post(&hub.admin_token, "/v1/people", person).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let lower = [
        ("professional", "0"),
        ("basic", "2"),
        ("workspaces", "1"),
        ("mobile:Sub-go-1", "3"),
    ];
    let (st, html, _) = staff.submit(&page, &page, &lower).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("data-field=\"professional\">is below the units already assigned"),
        "{html}"
    );
    assert!(
        html.contains("name=\"professional\" value=\"0\""),
        "the typed total is kept"
    );
    let v = hub
        .get(&hub.admin_token, &format!("/v1/licenses?orgId={cid}"))
        .await
        .1;
    assert_eq!(v["items"][0]["totalUnits"], 5, "nothing changed: {v}");
    // Garbage is a field error, not a server error.
    let bad = [
        ("professional", "lots"),
        ("basic", "2"),
        ("workspaces", "1"),
        ("mobile:Sub-go-1", "3"),
    ];
    let (st, html, _) = staff.submit(&page, &page, &bad).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("data-field=\"professional\">must be between 0 and 1000000"),
        "{html}"
    );
    hub.stop().await;
}

#[tokio::test]
async fn onb_1_an_invited_customer_administrator_sets_a_password_once_and_signs_in() {
    let hub = TestHub::start().await;
    let cid = fixtures::customer(&hub, "Onboard Two").await;
    let staff = fixtures::admin_browser(&hub, "onb-admin2").await;
    // From the licences page: "Invite the customer's administrator" opens the account form with
    // the role, the customer and the invitation chosen.
    let (_, html, _) = staff.get(&format!("/com/customers/{cid}/licences")).await;
    let new = format!("/com/accounts/new?customerId={cid}");
    assert!(
        html.contains(&new.replace('&', "&amp;")) || html.contains(&new),
        "{html}"
    );
    let (_, html, _) = staff.get(&new).await;
    assert!(html.contains("value=\"customer-admin\" selected"), "{html}");
    assert!(
        html.contains(&format!("value=\"{cid}\" selected")),
        "{html}"
    );
    assert!(html.contains("id=\"invite\" checked"));
    let form = |login: &'static str, email: &'static str| {
        vec![
            ("loginName", login),
            ("role", "customer-admin"),
            ("email", email),
            ("invite", "on"),
            ("language", "en"),
        ]
    };
    // An invitation needs an e-mail address.
    let mut no_mail = form("onb-ca", "");
    let c = cid.to_string();
    no_mail.push(("customerId", c.as_str()));
    let (st, html, _) = staff.submit(&new, "/com/accounts", &no_mail).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(html.contains("data-field=\"email\">is required"), "{html}");
    let mut ok_form = form("onb-ca", "cara@onb.test");
    ok_form.push(("customerId", c.as_str()));
    // Without a mail relay the link is shown once to hand over.
    let (st, html, _) = staff.submit(&new, "/com/accounts", &ok_form).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    let link = invitation_link(&html).unwrap_or_else(|| panic!("no link: {html}"));
    // The link's page, in any browser without a session.
    let owner = Browser::new(&hub);
    let (st, html, _) = owner.get(&link).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("onb-ca"), "{html}");
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let (st, html, _) = owner
        .post(
            &link,
            &[
                ("csrf", &csrf),
                ("newPassword", "Cara#Onboard-2026"),
                ("confirmPassword", "other"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(html.contains("data-field=\"confirmPassword\">"), "{html}");
    let (_, html, _) = owner.get(&link).await;
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let (st, html, _) = owner
        .post(
            &link,
            &[
                ("csrf", &csrf),
                ("newPassword", "short"),
                ("confirmPassword", "short"),
            ],
        )
        .await;
    assert_eq!(
        st,
        StatusCode::BAD_REQUEST,
        "the password policy applies: {html}"
    );
    let (_, html, _) = owner.get(&link).await;
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let good = [
        ("csrf", csrf.as_str()),
        ("newPassword", "Cara#Onboard-2026"),
        ("confirmPassword", "Cara#Onboard-2026"),
    ];
    // A form without the page's token is refused.
    let (st, _, _) = Browser::new(&hub).post(&link, &good[1..]).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, loc) = owner.post(&link, &good).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/login?changed=1"));
    // Used once: the link no longer works, whatever is sent.
    let (st, html, _) = owner.get(&link).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(html.contains("id=\"invitation-invalid\""));
    let (st, _, _) = owner.post(&link, &good).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // The new administrator signs in to its customer's calling pages.
    let (st, _, loc) = owner.login("onb-ca", "Cara#Onboard-2026", "en").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/calling/devices"));
    // A new invitation replaces the previous one; an expired one does not work.
    let accounts = hub
        .store()
        .list_accounts(
            &Default::default(),
            None,
            patchbay_store::PageRequest::new(0, 100),
        )
        .await;
    let accounts = accounts.unwrap_or_else(|e| panic!("{e}")).0;
    let ca = accounts
        .iter()
        .find(|a| a.fields.login_name == "onb-ca")
        .unwrap_or_else(|| panic!("no account"));
    assert_eq!(ca.customer_id, Some(cid));
    let edit = format!("/com/accounts/{}", ca.id);
    let (st, html, _) = staff.submit(&edit, &format!("{edit}/invite"), &[]).await;
    assert_eq!(st, StatusCode::OK);
    let second = invitation_link(&html).unwrap_or_else(|| panic!("{html}"));
    assert_ne!(second, link);
    // The password history applies (OPR-2): the password just set is not taken again.
    let (_, html, _) = owner.get(&second).await;
    let csrf = hidden(&html, "csrf").unwrap_or_default();
    let reuse = [
        ("csrf", csrf.as_str()),
        ("newPassword", "Cara#Onboard-2026"),
        ("confirmPassword", "Cara#Onboard-2026"),
    ];
    let (st, html, _) = owner.post(&second, &reuse).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("data-field=\"password\">must differ from your last"),
        "{html}"
    );
    // The refused form's audit record does not hold the link.
    let (_, audit) = hub
        .get(&hub.admin_token, "/v1/operations/auditEvents?max=200")
        .await;
    let token = second.rsplit('/').next().unwrap_or_default();
    assert!(
        !audit.to_string().contains(token),
        "the invitation token is in the audit log"
    );
    // Disabling the account ends its invitation.
    let body = serde_json::json!({"disabled": true});
    let r = hub
        .put(
            &hub.admin_token,
            &format!("/v1/operations/accounts/{}", ca.id),
            body,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let (st, _, _) = owner.get(&second).await;
    assert_eq!(
        st,
        StatusCode::NOT_FOUND,
        "a disabled account's invitation works no more"
    );
    let r = hub
        .put(
            &hub.admin_token,
            &format!("/v1/operations/accounts/{}", ca.id),
            serde_json::json!({"disabled": false}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (st, _, _) = owner.get(&second).await;
    assert_eq!(st, StatusCode::NOT_FOUND, "nor once it is enabled again");
    let (st, html, _) = staff.submit(&edit, &format!("{edit}/invite"), &[]).await;
    assert_eq!(st, StatusCode::OK);
    let second = invitation_link(&html).unwrap_or_else(|| panic!("{html}"));
    hub.store()
        .expire_invitations_for_tests(ca.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (st, _, _) = owner.get(&second).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn onb_1_invitations_are_mailed_through_smtp_and_never_listed() {
    let (port, got) = crate::mail::smtp_sink().await;
    let hub = TestHub::start_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.public_address = Some("hub.example.net:7080".into());
    })
    .await;
    let cid = fixtures::customer(&hub, "Onboard Three").await;
    let staff = fixtures::admin_browser(&hub, "onb-admin3").await;
    let c = cid.to_string();
    let form = [
        ("loginName", "onb-mail"),
        ("role", "customer-admin"),
        ("email", "mo@onb.test"),
        ("invite", "on"),
        ("language", "fr"),
        ("customerId", c.as_str()),
    ];
    let (st, _, loc) = staff
        .submit("/com/accounts/new", "/com/accounts", &form)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/accounts?done=invited"));
    let mut mail = String::new();
    for _ in 0..100 {
        if let Some(m) = got.lock().ok().and_then(|g| g.last().cloned()) {
            mail = m;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(mail.contains("To: mo@onb.test"), "{mail}");
    // The body as a mail client reads it (quoted-printable soft line breaks joined).
    let mail = mail.replace("=\n", "").replace("=3D", "=");
    let link = invitation_link(&mail).unwrap_or_else(|| panic!("{mail}"));
    assert!(
        mail.contains("https://hub.example.net:7080/com/invitation/"),
        "{mail}"
    );
    // The outbox never shows the link (and forgets it once delivered).
    let (_, v) = hub.get(&hub.admin_token, "/v1/operations/outbox").await;
    assert!(!v.to_string().contains(&link), "{v}");
    let owner = Browser::new(&hub);
    let (st, _, _) = owner.get(&link).await;
    assert_eq!(st, StatusCode::OK, "the mailed link works");
    // A Supervisor invites Customer administrators only for the customers assigned to it.
    let (_, op) = fixtures::staff(&hub, "onb-sup", Role::Supervisor).await;
    let mut theirs = form.to_vec();
    theirs[0] = ("loginName", "onb-sup-ca");
    let (st, html, _) = op
        .submit("/com/accounts/new", "/com/accounts", &theirs)
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("data-field=\"customerId\">"), "{html}");
    hub.stop().await;
}

#[tokio::test]
async fn rbac_5_an_operator_invites_customer_administrators_of_its_assigned_customers_only() {
    let hub = TestHub::start().await;
    let (op_id, op) = fixtures::staff(&hub, "onb-op", Role::Operator).await;
    let mine = fixtures::customer(&hub, "Onboard Mine")
        .customer_id("onb-mine")
        .operators(&[op_id.as_str()])
        .await;
    let other = fixtures::customer(&hub, "Onboard Other")
        .customer_id("onb-other")
        .await;
    // No account management, but the form for a Customer administrator, from the menu.
    let (st, html, _) = op.get("/com/dashboard").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("id=\"menu-add-customer-admin\""), "{html}");
    assert!(!html.contains("id=\"menu-accounts\""), "{html}");
    let (st, _, _) = op.get("/com/accounts").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, html, _) = op.get("/com/accounts/new").await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(
        html.contains("Onboard Mine") && !html.contains("Onboard Other"),
        "{html}"
    );
    assert!(
        !html.contains("value=\"operator\""),
        "only customer-admin is offered: {html}"
    );
    let m = mine.to_string();
    let o = other.to_string();
    let form = |login: &'static str, role: &'static str, c: &str| {
        vec![
            ("loginName", login),
            ("role", role),
            ("email", "ca@onb-op.test"),
            ("invite", "on"),
            ("language", "en"),
            ("customerId", c),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect::<Vec<(&str, String)>>()
    };
    let send = |f: Vec<(&'static str, String)>| {
        let op = &op;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            op.submit("/com/accounts/new", "/com/accounts", &f).await
        }
    };
    // Another customer's administrator, or another role: refused on its field.
    let (st, html, _) = send(form("onb-op-x", "customer-admin", &o)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{html}");
    assert!(html.contains("data-field=\"customerId\">"), "{html}");
    let (st, html, _) = send(form("onb-op-y", "operator", "")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{html}");
    // Its own customer's: made, and invited (no relay here: the link is shown once).
    let (st, html, _) = send(form("onb-op-ca", "customer-admin", &m)).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    let link = invitation_link(&html).unwrap_or_else(|| panic!("{html}"));
    assert!(
        html.contains("href=\"/com/accounts/new\" id=\"invitation-back\""),
        "{html}"
    );
    let owner = Browser::new(&hub);
    let (st, _, _) = owner.get(&link).await;
    assert_eq!(st, StatusCode::OK);
    // The account list and other accounts stay out of reach.
    let (_, v) = hub
        .get(&hub.admin_token, "/v1/operations/accounts?search=onb-op-ca")
        .await;
    let made = &v["items"][0];
    assert_eq!(made["role"], "customer-admin", "{v}");
    let id = made["id"].as_str().unwrap_or_default().to_string();
    let (st, _, _) = op.get(&format!("/com/accounts/{id}")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    hub.stop().await;
}
