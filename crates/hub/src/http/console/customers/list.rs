//! Customers console: List (CUS-4, CUS-6).

use super::*;
use crate::http::filters::{CustomerQuery, LIGHTS, STATUS_CODES};

/// The customer list's parameters: the API's `CustomerQuery` names, so dashboard links arrive
/// pre-filtered (CUS-6).
pub static LIST_SPEC: ListSpec = ListSpec {
    path: LIST,
    params: CustomerQuery::PARAMS,
    sorts: &[
        "name",
        "systemName",
        "customerId",
        "profile",
        "version",
        "alarmCount",
        "status",
    ],
    default_order: "",
    sizes: &PAGE_SIZES,
    default_max: 25,
    max_in_links: MaxInLinks::Always,
};

/// The criteria of the filter panel, in the list's parameter order (all but the search box).
pub(super) fn criteria() -> impl Iterator<Item = &'static str> {
    CustomerQuery::PARAMS
        .iter()
        .filter(|p| p.kind != ParamKind::Search)
        .map(|p| p.name)
}

pub(super) fn customer_filter(lp: &ListParams) -> CustomerFilter {
    lp.criteria::<CustomerQuery>().filter()
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub customer_id: String,
    pub light: String,
    pub light_text: String,
    pub system_name: String,
    pub profile: String,
    pub version: String,
    pub alarm_count: i64,
    pub alarms_link: String,
    pub operators: String,
    pub operators_title: String,
    pub tags: Vec<String>,
    pub notes_short: String,
    pub notes: String,
    pub status_text: String,
    pub needs_attention: bool,
    /// SYS-4: `inProgress`, `completed`, `failed`, or empty; and what it means.
    pub action: &'static str,
    pub action_label: String,
    /// SYS-4 "new version available": the newer release for the system's profile.
    pub new_version: Option<String>,
}

pub(super) fn row(ctx: &Ctx, c: Customer) -> Row {
    let status_text = status_text(ctx, &c.status_code, c.last_seen_at);
    let logins: Vec<&str> = c.operators.iter().map(|(_, l)| l.as_str()).collect();
    let operators = logins.join(", ");
    // CUS-3 tooltip: the manually assigned accounts (Administrator and Support are never
    // assigned); label-assigned ones are listed on the details panel.
    let operators_title = if logins.is_empty() {
        ctx.t("cus-operators-none")
    } else {
        ctx.t1("cus-operators-title", "logins", &operators)
    };
    let notes_short = if c.fields.notes.chars().count() > NOTES_SHOWN {
        let cut: String = c.fields.notes.chars().take(NOTES_SHOWN).collect();
        format!("{}…", cut.trim_end())
    } else {
        c.fields.notes.clone()
    };
    Row {
        id: c.id.to_string(),
        alarms_link: format!("/com/alarms?customerId={}", c.id),
        light_text: light_text(ctx, &c.light),
        name: c.fields.name,
        customer_id: c.fields.customer_id,
        light: c.light,
        system_name: c.system_name,
        profile: c.profile,
        version: c.version,
        alarm_count: c.alarm_count,
        operators,
        operators_title,
        tags: c.fields.tags,
        notes_short,
        notes: c.fields.notes,
        status_text,
        needs_attention: c.needs_attention,
        action: "",
        action_label: String::new(),
        new_version: None,
    }
}

/// Choices of the filter panel, loaded only while the panel is open.
#[derive(Default)]
pub struct Panel {
    pub lights: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    pub profiles: Vec<String>,
    pub tags: Vec<String>,
    pub versions: Vec<String>,
    pub distributors: Vec<String>,
    pub resellers: Vec<String>,
}

#[derive(Template)]
#[template(path = "customers.html")]
pub(super) struct ListPage {
    ctx: Ctx,
    lp: ListParams,
    pager: Pager,
    rows: Vec<Row>,
    total: i64,
    notice: String,
    active: Vec<(String, String)>,
    panel: Panel,
    can_add: bool,
    can_edit: bool,
    can_delete: bool,
    can_email: bool,
    can_backup: bool,
    can_restore: bool,
    can_logs: bool,
    can_upgrade: bool,
    can_refresh: bool,
}

impl ListPage {
    fn columns(&self) -> Vec<(&'static str, String)> {
        [
            ("name", "cus-col-name"),
            ("systemName", "cus-col-systemName"),
            ("customerId", "cus-col-customerId"),
            ("profile", "cus-col-profile"),
            ("version", "cus-col-version"),
            ("alarmCount", "cus-col-alarms"),
        ]
        .into_iter()
        .map(|(c, id)| (c, self.ctx.t(id)))
        .collect()
    }
}

/// The active criteria in words, for the "Active filter" line (CUS-6).
pub(super) fn active_filter(ctx: &Ctx, lp: &ListParams) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for k in criteria() {
        let v = lp.get(k);
        if v.is_empty() {
            continue;
        }
        let shown = match k {
            "connectivity" => light_text(ctx, v),
            "status" => status_text(ctx, v, None),
            "hasAlarms" if v == "true" => ctx.t("cus-yes"),
            "hasAlarms" => ctx.t("cus-no"),
            _ => v.to_string(),
        };
        out.push((ctx.t(&format!("cus-filter-{k}")), shown));
    }
    out
}

pub(super) async fn panel(state: &AppState, caller: &Caller, ctx: &Ctx) -> Result<Panel, AppError> {
    // Versions and tags in scope only (TEN-4).
    let figures = state.store.dashboard(caller.principal.scope()).await?;
    let tags = visible_tags(state, caller, Some(&figures)).await?;
    let versions = figures.versions.into_iter().map(|(v, _)| v).collect();
    Ok(Panel {
        lights: LIGHTS
            .iter()
            .map(|l| (l.to_string(), light_text(ctx, l)))
            .collect(),
        statuses: STATUS_CODES
            .iter()
            .map(|c| (c.to_string(), status_text(ctx, c, None)))
            .collect(),
        profiles: Profile::ALL
            .iter()
            .map(|p| p.as_str().to_string())
            .collect(),
        tags,
        versions,
        distributors: state
            .store
            .distributors(caller.principal.scope())
            .await?
            .into_iter()
            .map(|d| d.name)
            .collect(),
        resellers: {
            let mut r: Vec<String> = state
                .store
                .resellers(caller.principal.scope(), None)
                .await?
                .into_iter()
                .map(|r| r.name)
                .collect();
            r.sort_by_key(|a| a.to_lowercase());
            r.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            r
        },
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let lp = ListParams::parse(&LIST_SPEC, q.as_deref());
    let (items, total) = state
        .store
        .list_customers(
            caller.principal.scope(),
            &customer_filter(&lp),
            lp.sort_as(),
            lp.page(),
        )
        .await?;
    let ctx = Ctx::new(&state, &caller, LIST);
    let ids: Vec<patchbay_domain::CustomerId> = items.iter().map(|c| c.id).collect();
    let actions = state.store.action_states(&ids).await?;
    let newest = crate::service::repository::newest_releases(&state).await?;
    let rows: Vec<Row> = items
        .into_iter()
        .map(|c| {
            let action = actions.get(&c.id).map_or("", |a| a.as_str());
            Row {
                new_version: crate::service::repository::newer_for(&newest, &c.profile, &c.version),
                action,
                action_label: if action.is_empty() {
                    String::new()
                } else {
                    ctx.t(&format!("cus-icon-action-{action}"))
                },
                ..row(&ctx, c)
            }
        })
        .collect();
    let notice = match FormMap::parse(q.as_deref().unwrap_or("").as_bytes()).get("done") {
        Some("deleted") => ctx.t("cus-deleted"),
        _ => String::new(),
    };
    let panel = if lp.filter_open {
        panel(&state, &caller, &ctx).await?
    } else {
        Panel::default()
    };
    let page = ListPage {
        pager: lp.pager(rows.len(), total),
        active: active_filter(&ctx, &lp),
        can_add: caller.can(Capability::AddDeleteCustomers),
        can_edit: caller.can(Capability::EditCustomers),
        can_delete: caller.can(Capability::AddDeleteCustomers),
        can_email: caller.can(Capability::ResendSubscriptionEmail),
        can_backup: caller.can(Capability::BackupManual),
        can_restore: caller.can(Capability::Restore),
        can_logs: caller.can(Capability::ManageLogFiles),
        can_upgrade: caller.can(Capability::UpgradeSystems),
        can_refresh: caller.can(Capability::RefreshCustomizationFiles),
        rows,
        total,
        lp,
        ctx,
        notice,
        panel,
    };
    Ok(render(&page))
}
