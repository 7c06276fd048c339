//! Tests of the account store: uniqueness, the list, password change, expiry, avatars.

use super::*;
use crate::audit::{AuditFilter, AuditMeta};
use crate::sql::{PageRequest, SortOrder};
use crate::Taken;

pub(crate) fn fields(login: &str, role: Role) -> AccountFields {
    AccountFields {
        login_name: login.into(),
        role,
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        phone_number: String::new(),
        mobile: String::new(),
        email: format!("{login}@example.com"),
        labels: vec!["north".into(), "blue".into()],
        session_timeout_minutes: None,
        kiosk_mode: false,
        read_only_mode: false,
        disabled: false,
        force_password_change: true,
        expires_on: None,
        language: "en".into(),
    }
}

pub(crate) async fn create(s: &Store, login: &str, role: Role) -> Account {
    s.create_account(
        &AuditMeta::cli(),
        NewAccount {
            fields: fields(login, role),
            password_hash: "h".into(),
            created_by: None,
            customer_id: None,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn opr_1_login_name_unique_case_insensitively() {
    let s = crate::testing::store().await;
    create(&s, "Alice", Role::Operator).await;
    let err = s
        .create_account(
            &AuditMeta::cli(),
            NewAccount {
                fields: fields("alice", Role::Operator),
                password_hash: "h".into(),
                created_by: None,
                customer_id: None,
            },
        )
        .await;
    assert!(
        matches!(err, Err(StoreError::Taken(Taken::LoginName))),
        "{err:?}"
    );
    // Nothing half-written: still one account, one audit record.
    assert_eq!(s.count_accounts().await.ok(), Some(1));
    let (events, _) = s
        .list_audit(&AuditFilter::default(), PageRequest::new(0, 10))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn opr_8_list_search_filter_sort_page() {
    let s = crate::testing::store().await;
    for (l, r) in [
        ("bob", Role::Operator),
        ("carol", Role::Support),
        ("dave", Role::Operator),
    ] {
        create(&s, l, r).await;
    }
    let all = |f: AccountFilter, sort| {
        let s = s.clone();
        async move {
            let (items, total) = s
                .list_accounts(&f, sort, PageRequest::new(0, 2))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            (
                items
                    .into_iter()
                    .map(|a| a.fields.login_name)
                    .collect::<Vec<_>>(),
                total,
            )
        }
    };
    let (names, total) = all(
        AccountFilter::default(),
        Some((AccountSort::LoginName, SortOrder::Desc)),
    )
    .await;
    assert_eq!(
        (names, total),
        (vec!["dave".to_string(), "carol".to_string()], 3)
    );
    let (names, _) = all(
        AccountFilter {
            role: Some(Role::Operator),
            ..Default::default()
        },
        Some((AccountSort::LoginName, SortOrder::Asc)),
    )
    .await;
    assert_eq!(names, ["bob", "dave"]);
    let (names, total) = all(
        AccountFilter {
            search: Some("CAR".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!((names, total), (vec!["carol".to_string()], 1));
    // Search reaches labels and e-mail; wildcards typed by the user are literal.
    let (_, total) = all(
        AccountFilter {
            search: Some("nort".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(total, 3);
    let (_, total) = all(
        AccountFilter {
            search: Some("%".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(total, 0);
    let (_, total) = all(
        AccountFilter {
            label: Some("blue".into()),
            ..Default::default()
        },
        None,
    )
    .await;
    assert_eq!(total, 3);
}

#[tokio::test]
async fn opr_6_password_change_ends_sessions_and_keeps_history() {
    let s = crate::testing::store().await;
    let a = create(&s, "erin", Role::Operator).await;
    let (token, _) = s
        .open_session(&AuditMeta::cli(), a.id, "en", None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.change_password(&AuditMeta::cli(), a.id, "h2")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(s
        .session(&token)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .is_none());
    assert_eq!(
        s.password_history(a.id, 5).await.ok(),
        Some(vec!["h2".to_string(), "h".to_string()])
    );
    assert!(!s
        .account(a.id)
        .await
        .map(|a| a.fields.force_password_change)
        .unwrap_or(true));
}

#[tokio::test]
async fn opr_1_expired_accounts_become_disabled() {
    let s = crate::testing::store().await;
    let a = create(&s, "fay", Role::Operator).await;
    let mut f = a.fields.clone();
    f.expires_on = Some(jiff::civil::date(2026, 1, 1));
    s.update_account(&AuditMeta::cli(), a.id, &f, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.disable_expired_accounts(jiff::civil::date(2025, 12, 31))
            .await
            .ok(),
        Some(0)
    );
    assert_eq!(
        s.disable_expired_accounts(jiff::civil::date(2026, 1, 1))
            .await
            .ok(),
        Some(1)
    );
    assert!(s
        .account(a.id)
        .await
        .map(|a| a.fields.disabled)
        .unwrap_or(false));
}

#[tokio::test]
async fn opr_7_avatar_round_trip() {
    let s = crate::testing::store().await;
    let a = create(&s, "gus", Role::Operator).await;
    assert_eq!(s.avatar(a.id).await.ok(), Some(None));
    s.set_avatar(&AuditMeta::cli(), a.id, "image/png", b"\x89PNG")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        s.avatar(a.id).await.ok(),
        Some(Some(("image/png".to_string(), b"\x89PNG".to_vec())))
    );
}
