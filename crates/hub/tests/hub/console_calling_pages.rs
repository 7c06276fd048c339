//! Console calling pages beyond devices: the organisation a page works on (RBAC-5, TEN-4),
//! read-only browsing, people and locations (TEN-2) and numbers (NUM-1), driven like a browser
//! without JavaScript. Helpers are shared with `console_calling`.

use crate::common::*;
use crate::console_calling::{field_error, licence_use, text_of, WIZARD};
use crate::fixtures::*;
use patchbay_domain::provisioning::WorkspaceLicence;
use patchbay_domain::{LocationId, Role};
use patchbay_store::AuditMeta;
use reqwest::StatusCode;

/// Add numbers on the console's form; returns what the submit returns.
async fn add_numbers(
    ca: &Browser,
    loc: LocationId,
    kind: &str,
    numbers: &str,
) -> (StatusCode, String, Option<String>) {
    let add = "/com/calling/numbers/add";
    let loc = loc.to_string();
    let form = [
        ("location", loc.as_str()),
        ("type", kind),
        ("numbers", numbers),
    ];
    ca.submit(add, add, &form).await
}

/// The confirmation page of removing `number` from `loc`.
fn remove_number(loc: LocationId, number: &str) -> String {
    let key = format!("{loc}|{number}");
    let n = key.replace('+', "%2B").replace('|', "%7C");
    format!("/com/calling/numbers/remove?n={n}")
}

#[tokio::test]
async fn rbac_5_customer_admin_sees_only_its_own_calling_pages() {
    let hub = TestHub::start().await;
    let a = customer(&hub, "Alpha Corp").licences(5, 5, 5).await;
    let b_cust = customer(&hub, "Bravo Corp").licences(5, 5, 5).await;
    let loc_a = location(&hub, a, "Alpha HQ").await;
    let pa = person(&hub, a, "Ann Alpha", Some(loc_a)).await;
    stored_device(&hub, a, pa, "0011223344A1").await;
    let loc_b = location(&hub, b_cust, "Bravo HQ").await;
    let pb = person(&hub, b_cust, "Bob Bravo", Some(loc_b)).await;
    let wb = workspace(&hub, b_cust, "Bravo Lobby", WorkspaceLicence::CommonArea).await;
    let db = stored_device(&hub, b_cust, pb, "0011223344B1").await;

    let ca = customer_admin(&hub, "ca-alpha", a).await;
    let (s, html, _) = ca.get("/com/calling/devices").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Ann Alpha") && html.contains("00:11:22:33:44:A1"));
    assert!(!html.contains("Bob Bravo") && !html.contains("Bravo"));
    assert!(
        html.contains("id=\"org-name\""),
        "no organisation select for a Customer administrator"
    );
    assert!(!html.contains("id=\"org-select\""));
    // The menu: calling pages and the profile, no operations pages.
    assert!(html.contains("id=\"menu-calling-devices\"") && html.contains("id=\"menu-profile\""));
    for hidden in [
        "menu-dashboard",
        "menu-customers",
        "menu-alarms",
        "menu-jobs",
        "menu-accounts",
    ] {
        assert!(
            !html.contains(&format!("id=\"{hidden}\"")),
            "{hidden} offered"
        );
    }
    assert!(html.contains("class=\"brand\" href=\"/com/calling/devices\""));
    let (_, _, to) = ca.get("/com").await;
    assert_eq!(to.as_deref(), Some("/com/calling/devices"));
    // Another customer's resources are not found, and so is `?org=` of another customer.
    for path in [
        format!("/com/calling/devices/{db}"),
        format!("/com/calling/devices/{db}/lines"),
        format!("/com/calling/people/{pb}"),
        format!("/com/calling/workspaces/{wb}"),
        format!("/com/calling/locations/{loc_b}"),
        format!("/com/calling/devices?org={b_cust}"),
        format!("/com/calling/people?org={b_cust}"),
        format!("/com/calling/numbers?org={b_cust}"),
        format!("{WIZARD}?usage=person&person={pb}"),
    ] {
        let (s, _, _) = ca.get(&path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, _, _) = ca
        .submit(
            "/com/calling/devices",
            &format!("/com/calling/devices/{db}/delete"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(hub.store().device(db).await.is_ok(), "B's device survives");
    // The operations pages are refused.
    for path in [
        "/com/customers",
        "/com/alarms",
        "/com/dashboard",
        "/com/jobs",
    ] {
        let (s, _, _) = ca.get(path).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}");
    }
    // Its own organisation by id works too.
    let (s, html, _) = ca.get(&format!("/com/calling/people/{pa}?org={a}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Ann Alpha"));

    // Staff pick the organisation; an Operator sees only assigned customers.
    let (_, admin) = staff(&hub, "adm", Role::Administrator).await;
    let (s, html, _) = admin.get("/com/calling/devices").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Alpha Corp") && html.contains("Bravo Corp"),
        "the picker lists both"
    );
    let (s, html, _) = admin
        .get(&format!("/com/calling/devices?org={b_cust}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"org-select\"") && html.contains("Bob Bravo"));
    let (_, op) = staff(&hub, "op", Role::Operator).await;
    let (s, _, _) = op.get(&format!("/com/calling/devices?org={b_cust}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not assigned to the Operator");
    hub.stop().await;
}

#[tokio::test]
async fn rbac_5_read_only_sees_calling_pages_without_actions() {
    let hub = TestHub::start().await;
    let (ro_id, _) = hub.account("viewer", Role::ReadOnly).await;
    let c = customer(&hub, "Charlie Corp")
        .operators(&[ro_id])
        .licences(5, 5, 5)
        .await;
    let p = person(&hub, c, "Cid Charlie", None).await;
    let d = stored_device(&hub, c, p, "0011223344C1").await;
    let b = logged_in(&hub, "viewer").await;
    // The only customer in scope is chosen without `?org=`.
    let (s, html, _) = b.get("/com/calling/devices").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Cid Charlie"));
    assert!(
        !html.contains("id=\"device-add\""),
        "no add action in read-only"
    );
    let (s, html, _) = b.get(&format!("/com/calling/devices/{d}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("id=\"device-delete\"") && !html.contains("id=\"device-password\""));
    let (s, _, _) = b.get(WIZARD).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = b
        .submit(
            "/com/calling/devices",
            &format!("/com/calling/devices/{d}/delete"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(hub.store().device(d).await.is_ok());
    hub.stop().await;
}

#[tokio::test]
async fn num_1_mobile_numbers_filtered_with_badge() {
    let hub = TestHub::start().await;
    let (c, ca) = calling_customer(&hub, "Lima Corp").await;
    let loc = location(&hub, c, "Lima HQ").await;
    // All or nothing: one invalid number, nothing added, the bad one named.
    let (s, html, _) = add_numbers(&ca, loc, "fixed", "+33 1 60 87 11 35, 0160871136").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "numbers").contains("0160871136"));
    let (_, html, _) = ca.get("/com/calling/numbers").await;
    assert!(!html.contains("+33160871135"));
    let (s, _, _) = add_numbers(&ca, loc, "fixed", "+33 1 60 87 11 35\n+33 1 60 87 11 36").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, _) = add_numbers(&ca, loc, "mobile", "+33 6 12 34 56 78").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // A number that exists is refused (NUM-1: once on the platform).
    let (s, html, _) = add_numbers(&ca, loc, "fixed", "+33160871135").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "numbers").contains("already exists"));
    let (_, all, _) = ca.get("/com/calling/numbers").await;
    assert!(all.contains("+33160871135") && all.contains("+33612345678"));
    assert_eq!(
        all.matches("badge badge-mobile").count(),
        1,
        "one mobile badge"
    );
    let (_, mobile, _) = ca.get("/com/calling/numbers?type=mobile").await;
    assert!(mobile.contains("+33612345678") && mobile.contains("badge badge-mobile"));
    assert!(!mobile.contains("+33160871135"));
    let (_, fixed, _) = ca.get("/com/calling/numbers?type=fixed").await;
    assert!(fixed.contains("+33160871135") && !fixed.contains("+33612345678"));
    // Assignment filter and removal of unassigned numbers.
    let p = person(&hub, c, "Lea Lima", Some(loc)).await;
    let mut w = hub
        .store()
        .person(p)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .fields;
    w.identity.phone_number = Some("+33160871136".into());
    hub.store()
        .update_person(&AuditMeta::cli(), p, &w)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (_, assigned, _) = ca.get("/com/calling/numbers?assigned=yes").await;
    assert!(assigned.contains("+33160871136") && assigned.contains("Lea Lima"));
    assert!(!assigned.contains("+33160871135"));
    let (_, free, _) = ca.get("/com/calling/numbers?assigned=no").await;
    assert!(free.contains("+33160871135") && !free.contains("+33160871136"));
    let confirm = remove_number(loc, "+33160871135");
    let (s, html, _) = ca.get(&confirm).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<strong>+33160871135</strong>"));
    let (s, _, _) = ca.submit(&confirm, &confirm, &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, all, _) = ca.get("/com/calling/numbers").await;
    assert!(!all.contains("+33160871135") && all.contains("+33160871136"));
    // An assigned number cannot be removed.
    let confirm = remove_number(loc, "+33160871136");
    let (s, _, _) = ca.submit("/com/calling/numbers", &confirm, &[]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    hub.stop().await;
}

#[tokio::test]
async fn ten_2_people_and_locations_through_the_pages() {
    let hub = TestHub::start().await;
    let c = customer(&hub, "Mike Corp").licences(1, 0, 0).await;
    let ca = customer_admin(&hub, "ca-mike", c).await;
    let new_loc = "/com/calling/locations/new";
    let mut loc_form = vec![
        ("name", "Mike HQ"),
        ("timeZone", "Mars/Olympus"),
        ("preferredLanguage", "fr_fr"),
        ("announcementLanguage", "fr_fr"),
        ("address1", "2 rue du Port"),
        ("city", "Lyon"),
        ("country", "fr"),
    ];
    let (s, html, _) = ca
        .submit(new_loc, "/com/calling/locations", &loc_form)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "timeZone").contains("not a known time zone"));
    loc_form[1] = ("timeZone", "Europe/Paris");
    let (s, _, to) = ca
        .submit(new_loc, "/com/calling/locations", &loc_form)
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = ca.get(&to.unwrap_or_default()).await;
    assert!(
        html.contains("Mike HQ") && html.contains("Europe/Paris") && html.contains("<dd>FR</dd>")
    );
    let (items, _) = hub
        .store()
        .list_locations(
            c,
            &Default::default(),
            patchbay_store::PageRequest::new(0, 10),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let loc = items[0].id;
    numbers(&hub, loc, &["+33478000001"]).await;
    // Add a person with a licence, the location's number and an extension.
    let new_person = "/com/calling/people/new";
    let (_, html, _) = ca.get(new_person).await;
    assert!(
        html.contains("+33478000001"),
        "the location's unassigned numbers are offered"
    );
    let loc_s = loc.to_string();
    let person_form = [
        ("email", "Max.Mike@Example.test"),
        ("firstName", "Max"),
        ("lastName", "Mike"),
        ("displayName", ""),
        ("licence", "professional"),
        ("locationId", loc_s.as_str()),
        ("phoneNumber", "+33478000001"),
        ("extension", "201"),
    ];
    let (s, _, to) = ca
        .submit(new_person, "/com/calling/people", &person_form)
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = to.unwrap_or_default();
    let (_, html, _) = ca.get(&to).await;
    assert_eq!(text_of(&html, "person-name"), "Max Mike");
    assert!(html.contains("max.mike@example.test") && html.contains("+33478000001"));
    assert!(html.contains("id=\"person-add-device\""));
    let person_id = to
        .trim_start_matches("/com/calling/people/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        html.contains(&format!("usage=person&amp;person={person_id}"))
            || html.contains(&format!("usage=person&#38;person={person_id}"))
    );
    // The licence panel counts it; the next professional person is refused with the reason.
    let (_, list, _) = ca.get("/com/calling/people").await;
    assert!(
        list.contains("Max Mike")
            && list.contains("<td class=\"num\">1</td><td class=\"num\">1</td>")
    );
    let other = [
        ("email", "ola@example.test"),
        ("displayName", "Ola"),
        ("licence", "professional"),
    ];
    let (s, html, _) = ca.submit(new_person, "/com/calling/people", &other).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("No Professional calling licence is left"));
    let taken = [
        ("email", "ola@example.test"),
        ("displayName", "Ola"),
        ("licence", ""),
        ("locationId", loc_s.as_str()),
        ("extension", "201"),
    ];
    let (s, html, _) = ca.submit(new_person, "/com/calling/people", &taken).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(field_error(&html, "extension").contains("already used"));
    // The location is in use: deletion refused with the reason.
    let del = format!("/com/calling/locations/{loc}/delete");
    let (s, html, _) = ca.submit(&del, &del, &[]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(text_of(&html, "location-error").contains("still used by people or workspaces"));
    // Delete the person (confirm first), then the location goes.
    let pdel = format!("/com/calling/people/{person_id}/delete");
    let (_, html, _) = ca.get(&pdel).await;
    assert!(html.contains("Delete person"));
    let (s, _, _) = ca.submit(&pdel, &pdel, &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, _) = ca.submit(&del, &del, &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let lic = licence_use(&hub, c).await;
    assert!(lic.iter().all(|l| l.consumed_units == 0));
    hub.stop().await;
}

/// UI-1: an empty list says what to do next — the first entry to add (when the caller may) —
/// and a search that matches nothing offers to clear it.
#[tokio::test]
async fn ui_1_empty_lists_offer_the_next_action() {
    let hub = TestHub::start().await;
    let (ro_id, _) = hub.account("viewer", Role::ReadOnly).await;
    let a = customer(&hub, "Alpha Corp")
        .operators(&[ro_id])
        .licences(5, 5, 5)
        .await;
    let ca = customer_admin(&hub, "ca-alpha", a).await;
    for (path, none, add) in [
        (
            "/com/calling/people",
            "No people yet.",
            "/com/calling/people/new",
        ),
        (
            "/com/calling/devices",
            "No devices yet.",
            "/com/calling/devices/new",
        ),
        (
            "/com/calling/workspaces",
            "No workspaces yet.",
            "/com/calling/workspaces/new",
        ),
        (
            "/com/calling/locations",
            "No locations yet",
            "/com/calling/locations/new",
        ),
        (
            "/com/calling/numbers",
            "No numbers yet",
            "/com/calling/numbers/add",
        ),
    ] {
        let (s, html, _) = ca.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        let empty = html.split("class=\"empty\"").nth(1).unwrap_or_default();
        let empty = empty.split("</td>").next().unwrap_or_default();
        assert!(empty.contains(none), "{path}: {empty}");
        assert!(empty.contains(&format!("href=\"{add}")), "{path}: {empty}");
        let (_, html, _) = ca.get(&format!("{path}?q=zzz-nothing")).await;
        let empty = html.split("class=\"empty\"").nth(1).unwrap_or_default();
        let empty = empty.split("</td>").next().unwrap_or_default();
        assert!(empty.contains("No matching entries."), "{path}: {empty}");
        assert!(empty.contains(&format!("href=\"{path}")), "{path}: {empty}");
    }
    // Account management always lists the caller; a search that matches nobody offers to clear it.
    let admin = admin_browser(&hub, "empty-admin").await;
    let (_, html, _) = admin.get("/com/accounts?search=zzz-nobody").await;
    let empty = html.split("class=\"empty\"").nth(1).unwrap_or_default();
    let empty = empty.split("</td>").next().unwrap_or_default();
    assert!(
        empty.contains("No matching entries.") && empty.contains("href=\"/com/accounts\""),
        "{empty}"
    );
    // A read-only account is not offered what it may not do.
    let ro = logged_in(&hub, "viewer").await;
    let (_, html, _) = ro.get("/com/calling/people").await;
    let empty = html.split("class=\"empty\"").nth(1).unwrap_or_default();
    let empty = empty.split("</td>").next().unwrap_or_default();
    assert!(
        empty.contains("No people yet.") && !empty.contains("href="),
        "{empty} in {html}"
    );
    hub.stop().await;
}
