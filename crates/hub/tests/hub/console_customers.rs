//! Console customer pages (CUS-1 … CUS-6, SYS-2/3/6, TEN-1, TEN-4), driven like a browser without
//! JavaScript.

use crate::common::*;
use crate::fixtures::*;
use patchbay_domain::system::{RemoteFlags, Right};
use patchbay_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

const CUSTOMERS: &str = "/v1/operations/customers";

/// The customer IDs of the list's rows, in order.
fn rows(html: &str) -> Vec<String> {
    html.split("<tr data-customer=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn cus_1_console_add_customer_with_field_errors_then_success() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "boss").await;
    let d1 = distributor(&hub, "North").await;
    let d2 = distributor(&hub, "South").await;
    let r2 = reseller(&hub, &d2, "South Shop").await;
    let (op, _) = hub.account("opone", Role::Operator).await;
    let (_, _) = hub.account("adminx", Role::Administrator).await;
    customer(&hub, "Tagged").tags(&["gold"]).await;

    let (s, html, _) = b.get("/com/customers/new").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"customer-form\""));
    assert!(
        html.contains("name=\"serviceUserName\" value=\"COMAdmin\""),
        "default service user name"
    );
    assert!(
        html.contains("<option value=\"gold\">"),
        "existing tags offered"
    );
    assert!(html.contains("opone"), "operators are offered");
    assert!(
        !html.contains("adminx ("),
        "administrators are never assigned"
    );

    // Several field errors at once; typed values are kept.
    let (s, html, _) = b
        .submit(
            "/com/customers/new",
            "/com/customers",
            &[
                ("name", "Acme Corp"),
                ("customerId", "Bad_ID"),
                ("servicePassword", "Service#Pass1"),
                ("confirmServicePassword", "other"),
                ("tags", "a, b, c, d, e, f"),
                ("phone", "12ab"),
                ("email", "it@acme.example"),
                ("notes", "Key account"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("id=\"form-errors\""));
    assert!(html.contains("must be a DNS label"), "{html}");
    assert!(html.contains("does not match the service password."));
    assert!(html.contains("may have at most 5 entries."));
    assert!(html.contains("must contain digits only"));
    assert!(html.contains("value=\"Acme Corp\""), "typed values kept");
    assert!(html.contains("value=\"it@acme.example\""));
    assert!(html.contains(">Key account</textarea>"));

    // A reseller of another distributor is refused by the store: shown next to the field.
    let (s, html, _) = b
        .submit(
            "/com/customers/new",
            "/com/customers",
            &[
                ("name", "Acme Corp"),
                ("customerId", "acme"),
                ("servicePassword", "Service#Pass1"),
                ("confirmServicePassword", "Service#Pass1"),
                ("distributorId", &d1),
                ("resellerId", &r2),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("must be a reseller of the chosen distributor."),
        "{html}"
    );
    assert!(html.contains(&format!("<option value=\"{d1}\" selected>")));

    // Missing password on create.
    let (s, html, _) = b
        .submit(
            "/com/customers/new",
            "/com/customers",
            &[("name", "Acme Corp"), ("customerId", "acme")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("is required."));

    let (s, _, loc) = b
        .submit(
            "/com/customers/new",
            "/com/customers",
            &[
                ("name", "Acme Corp"),
                ("customerId", "acme"),
                ("serviceUserName", ""),
                ("servicePassword", "Service#Pass1"),
                ("confirmServicePassword", "Service#Pass1"),
                ("distributorId", &d2),
                ("resellerId", &r2),
                ("tags", "gold, north"),
                ("phone", "+33123456789"),
                ("operators", &op),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let loc = loc.unwrap_or_default();
    assert!(
        loc.starts_with("/com/customers/") && loc.ends_with("?done=created"),
        "{loc}"
    );
    let (s, html, _) = b.get(&loc).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("The customer was added."));
    assert!(html.contains("Acme Corp") && html.contains("South Shop"));
    assert!(html.contains("COMAdmin"), "default service user");
    assert!(html.contains("Waiting for initial connection"));
    assert!(
        html.contains("data-login=\"opone\""),
        "assigned operator listed"
    );

    // The name and customer ID are unique.
    let (s, html, _) = b
        .submit(
            "/com/customers/new",
            "/com/customers",
            &[
                ("name", "acme corp"),
                ("customerId", "acme"),
                ("servicePassword", "p"),
                ("confirmServicePassword", "p"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("is already in use."), "{html}");

    let (_, html, _) = b.get("/com/customers").await;
    assert!(rows(&html).contains(&"acme".to_string()));
    hub.stop().await;
}

#[tokio::test]
async fn cus_2_edit_keeps_password_and_customer_id_follows_prf_11() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "boss").await;
    let cid = customer(&hub, "Edit Me").customer_id("edit-me").await;
    let id = cid.to_string();
    let sealed = hub
        .store()
        .customer_sealed_password(cid)
        .await
        .unwrap_or_default();

    // Toolbar Edit with one selection opens the form; with none it goes back to the list.
    let (s, _, loc) = b.get(&format!("/com/customers/edit?id={id}")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc, Some(format!("/com/customers/{id}/edit")));
    let (_, _, loc) = b.get("/com/customers/edit").await;
    assert_eq!(loc.as_deref(), Some("/com/customers"));

    let form = format!("/com/customers/{id}/edit");
    let (s, html, _) = b.get(&form).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("name=\"customerId\" value=\"edit-me\""));
    assert!(
        html.contains("readonly"),
        "customer ID fixed by default (PRF-11)"
    );

    let (s, html, _) = b
        .submit(
            &form,
            &format!("/com/customers/{id}"),
            &[("name", "Edited"), ("customerId", "changed")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("cannot be changed"), "{html}");

    let (s, _, loc) = b
        .submit(
            &form,
            &format!("/com/customers/{id}"),
            &[
                ("name", "Edited"),
                ("customerId", "edit-me"),
                ("notes", "n"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc, Some(format!("/com/customers/{id}?done=updated")));
    let after = hub
        .store()
        .customer_sealed_password(cid)
        .await
        .unwrap_or_default();
    assert_eq!(sealed, after, "an empty password keeps the stored one");

    // PRF-11 on: the customer ID becomes editable.
    let r = update_preferences(&hub, |p| p["allowCustomerIdChange"] = json!(true)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, html, _) = b.get(&form).await;
    assert!(!html.contains("readonly"));
    let (s, _, _) = b
        .submit(
            &form,
            &format!("/com/customers/{id}"),
            &[("name", "Edited"), ("customerId", "changed")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = hub
        .get(&hub.admin_token, &format!("{CUSTOMERS}/{id}"))
        .await;
    assert_eq!(v["customerId"], "changed");

    // A Supervisor may edit, and is offered only itself and the Operators it created (OPR-9).
    let (sup_id, sup_token) = hub.account("sup", Role::Supervisor).await;
    hub.account("stranger", Role::Operator).await;
    let mine = account_body("mine", "operator");
    let r = hub.post(&sup_token, "/v1/operations/accounts", mine).await;
    assert_eq!(r.status(), StatusCode::OK);
    let operators = json!({ "operators": [sup_id] });
    let r = hub
        .put(&hub.admin_token, &format!("{CUSTOMERS}/{id}"), operators)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sb = logged_in(&hub, "sup").await;
    let (s, html, _) = sb.get(&form).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("mine ("));
    assert!(!html.contains("stranger"));
    // …and cannot add or delete customers.
    let (s, _, _) = sb.get("/com/customers/new").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    hub.stop().await;
}

#[tokio::test]
async fn cus_4_cus_6_list_filter_search_sort_and_active_filter() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "boss").await;
    let (op, _) = hub.account("opview", Role::Operator).await;
    let alpha = customer(&hub, "Alpha")
        .tags(&["gold"])
        .operators(&[op])
        .await;
    customer(&hub, "Beta").tags(&["silver"]).await;
    let note = "A very long note that goes on and on about the customer's PBX and its quirks";
    customer(&hub, "Gamma")
        .tags(&["gold"])
        .with("notes", note)
        .await;

    let (s, html, _) = b.get("/com/customers").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"customers-table\""));
    assert_eq!(rows(&html), ["alpha", "beta", "gamma"]);
    assert!(html.contains("Total: 3"));
    assert!(
        html.contains("class=\"light light-red\""),
        "new customers are red"
    );
    assert!(
        html.contains("Waiting for initial connection"),
        "SYS-3 text"
    );
    assert!(
        html.contains(&format!("href=\"/com/alarms?customerId={alpha}\"")),
        "ALM-6"
    );
    assert!(
        html.contains("title=\"Assigned manually: opview."),
        "CUS-3 tooltip"
    );
    assert!(
        html.contains("A very long note that goes on and on abo…</td>"),
        "notes cut"
    );
    assert!(html.contains("id=\"customer-add\"") && html.contains("id=\"customer-delete\""));
    assert!(html.contains("id=\"customer-edit\""));
    assert!(html.contains("href=\"/com/providers\""));
    assert!(!html.contains("id=\"filter-panel\""));
    assert!(!html.contains("id=\"active-filter\""));

    // Dashboard-style links arrive pre-filtered and say so (CUS-6, DSH-1).
    let (_, html, _) = b.get("/com/customers?tag=gold").await;
    assert_eq!(rows(&html), ["alpha", "gamma"]);
    assert!(html.contains("id=\"active-filter\""));
    assert!(html.contains("Tag = gold"));
    let (_, html, _) = b.get("/com/customers?connectivity=red").await;
    assert_eq!(rows(&html).len(), 3);
    assert!(html.contains("Connectivity = Not connected"));
    let (_, html, _) = b.get("/com/customers?connectivity=green").await;
    assert!(rows(&html).is_empty());
    assert!(html.contains("No matching entries."));
    let (_, html, _) = b.get("/com/customers?version=12.1").await;
    assert!(rows(&html).is_empty());
    assert!(html.contains("Version = 12.1"));
    let (_, html, _) = b
        .get("/com/customers?status=waitingForInitialConnection")
        .await;
    assert_eq!(rows(&html).len(), 3);
    assert!(html.contains("Status = Waiting for initial connection"));
    let (_, html, _) = b.get("/com/customers?hasAlarms=true").await;
    assert!(rows(&html).is_empty());
    assert!(html.contains("Has alarms = Yes"));

    // The panel opens with the criteria; hiding it keeps them.
    let (_, html, _) = b.get("/com/customers?tag=gold&filter=1").await;
    assert!(html.contains("id=\"filter-panel\""));
    assert!(html.contains("name=\"tag\" id=\"filter-tag\" value=\"gold\""));
    assert!(html.contains("<option value=\"silver\">"), "tags offered");
    assert!(html.contains("id=\"filter-hide\""));
    assert!(
        html.contains("href=\"/com/customers?tag=gold&#38;max=25\" id=\"filter-hide\""),
        "{html}"
    );
    assert_eq!(rows(&html), ["alpha", "gamma"]);

    // Search matches any field and combines with the filter.
    let (_, html, _) = b.get("/com/customers?search=gam").await;
    assert_eq!(rows(&html), ["gamma"]);
    let (_, html, _) = b.get("/com/customers?search=quirks").await;
    assert_eq!(rows(&html), ["gamma"], "notes are searched");
    let (_, html, _) = b.get("/com/customers?search=silver").await;
    assert_eq!(rows(&html), ["beta"], "tags are searched");
    let (_, html, _) = b.get("/com/customers?search=a&tag=silver").await;
    assert_eq!(rows(&html), ["beta"]);

    // Sort: one column, cycling ↓ ↑ none.
    let (_, html, _) = b.get("/com/customers").await;
    assert!(html.contains("href=\"/com/customers?sort=name&#38;order=desc&#38;max=25\""));
    let (_, html, _) = b.get("/com/customers?sort=name&order=desc").await;
    assert_eq!(rows(&html), ["gamma", "beta", "alpha"]);
    assert!(html.contains("aria-sort=\"descending\""));
    assert!(html.contains("↓"));
    assert!(html.contains("href=\"/com/customers?sort=name&#38;order=asc&#38;max=25\""));
    let (_, html, _) = b.get("/com/customers?sort=name&order=asc").await;
    assert_eq!(rows(&html), ["alpha", "beta", "gamma"]);
    assert!(html.contains("href=\"/com/customers?max=25\" data-sort=\"name\""));

    // Items per page and paging.
    for i in 0..9 {
        customer(&hub, &format!("Zulu {i}"))
            .customer_id(&format!("zulu-{i}"))
            .await;
    }
    let (_, html, _) = b.get("/com/customers?max=10").await;
    assert_eq!(rows(&html).len(), 10);
    assert!(html.contains("1–10 / 12"));
    assert!(html.contains("id=\"page-next\""));
    let (_, html, _) = b.get("/com/customers?max=10&start=10").await;
    assert_eq!(rows(&html).len(), 2);
    assert!(html.contains("11–12 / 12"));
    assert!(html.contains("id=\"page-prev\""));
    hub.stop().await;
}

#[tokio::test]
async fn cus_5_details_show_servers_and_test_connection_reason() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "boss").await;
    let id = customer(&hub, "Details Co").await;
    let page = format!("/com/customers/{id}");

    let (s, html, _) = b.get(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Waiting for initial connection"));
    assert!(html.contains("id=\"no-systems\""));
    assert!(
        html.contains("id=\"details-close\" href=\"/com/customers\""),
        "close X"
    );
    assert!(html.contains("id=\"customer-edit-link\""));

    // Test connection before the system ever connected: the reason, not success.
    let (s, html, _) = b
        .submit(&page, &format!("/com/customers/{id}/test"), &[])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"test-result\""));
    assert!(html.contains("data-ok=\"false\""));
    assert!(html.contains("Test connection failed: Waiting for initial connection"));

    // The system connects and reports its servers and flags.
    let v = "12.1.0";
    system(&hub, id, "ipo-1")
        .version(v)
        .address("203.0.113.10")
        .flags(RemoteFlags {
            central_management: true,
            remote_access: true,
            remote_upgrade_backup: true,
            ..Default::default()
        })
        .rights(vec![
            Right::StatusRead,
            Right::Configuration,
            Right::Upgrade,
        ])
        .servers(vec![
            server("ipo-1", "primary", "10.0.0.1", v),
            server("ipo-2", "secondary", "10.0.0.2", v),
            server("ipo-x1", "expansion", "10.0.0.3", v),
            server("apps-1", "application", "10.0.0.9", v),
        ])
        .report()
        .await;

    let (_, html, _) = b.get(&page).await;
    assert!(html.contains("data-system=\"ipo-1\""));
    for (name, role, addr) in [
        ("ipo-1", "Primary", "10.0.0.1"),
        ("ipo-2", "Secondary", "10.0.0.2"),
        ("ipo-x1", "Expansion", "10.0.0.3"),
        ("apps-1", "Application server", "10.0.0.9"),
    ] {
        let row = format!(
            "<tr data-server=\"{name}\"><td>{name}</td><td>{role}</td><td>{addr}</td><td>12.1.0</td><td class=\"info\">Online</td></tr>"
        );
        assert!(html.contains(&row), "{row} in {html}");
    }
    assert!(html.contains("Connected now"));
    assert!(html.contains("server-edition"));
    assert!(html.contains("<li class=\"flag-on\">✓ Central management"));
    assert!(html.contains("<li class=\"flag-off\">✗ Phone auto-provisioning"));
    assert!(html.contains("Connection successful"));
    assert!(html.contains("class=\"light light-green\""));

    let (s, html, _) = b
        .submit(&page, &format!("/com/customers/{id}/test"), &[])
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-ok=\"true\""), "{html}");
    assert!(html.contains("Test connection succeeded"));

    // The list shows the reported system name, profile and version.
    let (_, html, _) = b.get("/com/customers").await;
    assert!(html.contains("<td>ipo-1</td>"));
    assert!(html.contains("<td>12.1.0</td>"));
    let (_, html, _) = b.get("/com/customers?version=12.1.0").await;
    assert_eq!(rows(&html), ["details"]);
    let (_, html, _) = b.get("/com/customers?connectivity=green").await;
    assert_eq!(rows(&html), ["details"]);

    // Unknown customers are 404, never a 500.
    let (s, _, _) = b
        .get(&format!("/com/customers/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = b.get("/com/customers/not-a-uuid").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    hub.stop().await;
}

#[tokio::test]
async fn ten_4_operator_sees_only_assigned_customers_in_console() {
    let hub = TestHub::start().await;
    let (opa, _) = hub.account("opa", Role::Operator).await;
    hub.account_with("opb", Role::Operator, |f| {
        f.labels = vec!["northdist".into()]
    })
    .await;
    let north = distributor(&hub, "NorthDist").await;
    let a = customer(&hub, "Alpha Visible")
        .operators(&[opa])
        .tags(&["shared"])
        .await;
    let bravo = customer(&hub, "Bravo Secret")
        .with("distributorId", north)
        .tags(&["secret-tag"])
        .await
        .to_string();

    let ba = logged_in(&hub, "opa").await;
    let (s, html, _) = ba.get("/com/customers").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rows(&html), ["alpha"]);
    assert!(html.contains("Total: 1"));
    assert!(!html.contains("Bravo"));
    for q in [
        "search=bravo",
        "search=secret",
        "tag=secret-tag",
        "distributor=NorthDist",
        "connectivity=red",
    ] {
        let (_, html, _) = ba.get(&format!("/com/customers?{q}")).await;
        assert!(!rows(&html).contains(&"bravo".to_string()), "{q}");
        assert!(!html.contains("Bravo"), "{q}");
    }
    let (_, html, _) = ba.get("/com/customers?filter=1").await;
    assert!(html.contains("<option value=\"shared\">"));
    assert!(
        !html.contains("secret-tag"),
        "no other tenant's tags (TEN-4)"
    );
    let (s, _, _) = ba.get(&format!("/com/customers/{bravo}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = ba
        .submit(
            "/com/customers",
            &format!("/com/customers/{bravo}/test"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = ba.get(&format!("/com/customers/delete?id={bravo}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = ba
        .submit("/com/customers", "/com/customers/delete", &[("id", &bravo)])
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = hub
        .get(&hub.admin_token, &format!("{CUSTOMERS}/{bravo}"))
        .await;
    assert_eq!(s, StatusCode::OK, "B survives");
    // An Operator may not edit (EditCustomers), and the toolbar does not offer it.
    let (s, _, _) = ba.get(&format!("/com/customers/{a}/edit")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, html, _) = ba.get("/com/customers").await;
    assert!(!html.contains("id=\"customer-edit\""));
    assert!(html.contains("id=\"customer-add\""));
    // Provider counts are never shown to an Operator, nor the names of providers it has no
    // customer under (NorthDist holds only B).
    let (s, html, _) = ba.get("/com/providers").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("NorthDist"));
    assert!(!html.contains(">Customers</th>"), "no counts for Operators");

    // A label equal to the distributor's name assigns B automatically (CUS-3).
    let bb = logged_in(&hub, "opb").await;
    let (_, html, _) = bb.get("/com/customers").await;
    assert_eq!(rows(&html), ["bravo"]);
    let (s, html, _) = bb.get(&format!("/com/customers/{bravo}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("data-login=\"opb\">opb <span class=\"muted\">(assigned by label)"));
    let (s, _, _) = bb.get(&format!("/com/customers/{a}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Administrators see everything, counts included.
    let admin = admin_browser(&hub, "boss").await;
    let (_, html, _) = admin.get("/com/customers").await;
    assert_eq!(rows(&html), ["alpha", "bravo"]);
    let (_, html, _) = admin.get("/com/providers").await;
    assert!(html.contains(">Customers</th>"));
    hub.stop().await;
}

#[tokio::test]
async fn ten_1_providers_add_and_refuse_delete_in_use() {
    let hub = TestHub::start().await;
    let b = admin_browser(&hub, "boss").await;
    let (s, html, _) = b.get("/com/providers").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("No distributor yet."));

    let (s, html, _) = b
        .submit(
            "/com/providers",
            "/com/providers/distributors",
            &[("name", " ")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("Name: is required."), "{html}");
    let (s, _, loc) = b
        .submit(
            "/com/providers",
            "/com/providers/distributors",
            &[("name", "Dist One")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/providers?done=added"));
    let (s, html, _) = b
        .submit(
            "/com/providers",
            "/com/providers/distributors",
            &[("name", "dist one")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(html.contains("is already in use."));
    assert!(html.contains("value=\"dist one\""), "typed value kept");

    let (_, v) = hub
        .get(&hub.admin_token, "/v1/operations/distributors")
        .await;
    let dist = v["items"][0]["id"].as_str().unwrap_or_default().to_string();
    let (s, html, _) = b
        .submit(
            "/com/providers",
            "/com/providers/resellers",
            &[("name", "Res One")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "the distributor is required");
    assert!(html.contains("Distributor: is required."));
    let (s, _, _) = b
        .submit(
            "/com/providers",
            "/com/providers/resellers",
            &[("name", "Res One"), ("distributorId", &dist)],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, v) = hub.get(&hub.admin_token, "/v1/operations/resellers").await;
    let res = v["items"][0]["id"].as_str().unwrap_or_default().to_string();
    let (_, html, _) = b.get("/com/providers").await;
    assert!(html.contains("data-distributor=\"Dist One\""));
    assert!(html.contains("data-reseller=\"Res One\""));

    // In use: refused with a clear message.
    let c = customer(&hub, "Provided")
        .with("distributorId", dist.as_str())
        .with("resellerId", res.as_str())
        .await
        .to_string();
    let (s, html, _) = b
        .submit(
            "/com/providers",
            &format!("/com/providers/resellers/{res}/delete"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("This reseller still has customers"));
    let (s, html, _) = b
        .submit(
            "/com/providers",
            &format!("/com/providers/distributors/{dist}/delete"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(html.contains("This distributor still has resellers or customers"));
    assert!(
        html.contains("<td class=\"num\">1</td>"),
        "counts for Administrators"
    );

    // Delete the customer through the console (confirm first), then the providers.
    let (s, html, _) = b.get(&format!("/com/customers/delete?id={c}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<li>Provided</li>"));
    let (s, _, loc) = b
        .submit("/com/customers", "/com/customers/delete", &[("id", &c)])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(loc.as_deref(), Some("/com/customers?done=deleted"));
    let (_, html, _) = b.get("/com/customers?done=deleted").await;
    assert!(html.contains("The selected customers were deleted."));
    assert!(rows(&html).is_empty());
    let (s, _, _) = b
        .submit(
            "/com/providers",
            &format!("/com/providers/resellers/{res}/delete"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _, _) = b
        .submit(
            "/com/providers",
            &format!("/com/providers/distributors/{dist}/delete"),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html, _) = b.get("/com/providers?done=deleted").await;
    assert!(html.contains("No distributor yet."));
    assert!(html.contains("Deleted."));

    // Read-only accounts see the tree but get no add or delete forms.
    let (_, rb) = staff(&hub, "viewer", Role::ReadOnly).await;
    let (s, html, _) = rb.get("/com/providers").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("id=\"distributor-form\""));
    let (s, _, _) = rb
        .submit(
            "/com/providers",
            "/com/providers/distributors",
            &[("name", "Nope")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    hub.stop().await;
}

#[tokio::test]
async fn ui_1_customer_pages_in_french() {
    let hub = TestHub::start().await;
    hub.account_with("fr-admin", Role::Administrator, |f| {
        f.language = "fr".into()
    })
    .await;
    let b = Browser::new(&hub);
    let (s, _, _) = b.login("fr-admin", PASSWORD, "fr").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, loc) = b.get("/com/dashboard").await;
    if loc.as_deref() == Some("/com/terms") {
        b.submit("/com/terms", "/com/terms", &[]).await;
    }
    let id = customer(&hub, "Société").customer_id("societe").await;
    let (_, html, _) = b.get("/com/customers?connectivity=red").await;
    assert!(
        html.contains("En attente de la connexion initiale"),
        "{html}"
    );
    assert!(html.contains("Connectivité = Non connecté"));
    let (_, html, _) = b.get(&format!("/com/customers/{id}")).await;
    assert!(html.contains("Tester la connexion"));
    let (_, html, _) = b.get("/com/providers").await;
    assert!(html.contains("Distributeurs et revendeurs"));
    hub.stop().await;
}
