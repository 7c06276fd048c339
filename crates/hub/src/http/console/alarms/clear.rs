//! Alarms console: clear selected alarms (ALM-4) and all alarms of one type (ALM-5), each behind
//! a confirmation page that returns only to the alarm list.

use super::*;

/// An alarm named on a confirmation page.
pub struct Target {
    pub id: String,
    pub text: String,
    pub ongoing: bool,
}

#[derive(Template)]
#[template(path = "alarms_clear.html")]
pub(super) struct ClearPage {
    ctx: Ctx,
    back: String,
    targets: Vec<Target>,
    error: String,
}

pub(super) fn parse_ids(ids: &[String]) -> Result<Vec<AlarmId>, AppError> {
    ids.iter()
        .map(|i| i.trim().parse::<AlarmId>().map_err(|_| AppError::NotFound))
        .collect()
}

/// Describe the selected alarms. They were picked on the list page the user came from, so that
/// page is read again; an id not on it (changed meanwhile) is named by its id.
pub(super) async fn targets(
    state: &AppState,
    caller: &Caller,
    ctx: &Ctx,
    back: &ListParams,
    ids: &[AlarmId],
) -> Result<Vec<Target>, AppError> {
    let (items, _) = state
        .store
        .list_alarms(
            caller.principal.scope(),
            &alarm_filter(back),
            alarm_sort(back),
            back.page(),
        )
        .await?;
    Ok(ids
        .iter()
        .map(|id| match items.iter().find(|a| a.id == *id) {
            Some(a) => Target {
                id: id.to_string(),
                text: format!(
                    "{} · {} · {} · {} — {}",
                    a.customer_name,
                    super::system_label(ctx, a.system_name.clone()),
                    severity_label(ctx, &a.severity),
                    type_label(ctx, &a.alarm_type),
                    a.description
                ),
                ongoing: a.ongoing,
            },
            None => Target {
                id: id.to_string(),
                text: id.to_string(),
                ongoing: false,
            },
        })
        .collect())
}

/// "Clear selected": confirm first (ALM-4).
pub(super) async fn confirm_clear(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let back = safe_back(form.get("back"));
    let ids = parse_ids(&form.all("id"))?;
    if ids.is_empty() {
        return Ok(Redirect::to(&back.url()).into_response());
    }
    let ctx = Ctx::new(&state, &caller, LIST);
    let targets = targets(&state, &caller, &ctx, &back, &ids).await?;
    let error = if targets.iter().any(|t| t.ongoing) {
        ctx.t("conflict-alarm-ongoing")
    } else {
        String::new()
    };
    Ok(render(&ClearPage {
        ctx,
        back: back.url(),
        targets,
        error,
    }))
}

pub(super) async fn clear_selected(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let back = safe_back(form.get("back"));
    let raw = form.all("id");
    let ids = parse_ids(&raw)?;
    if ids.is_empty() {
        return Ok(Redirect::to(&back.url()).into_response());
    }
    let body = ClearBody {
        ids: Some(raw.iter().map(|s| s.trim().to_string()).collect()),
        alarm_type: None,
    };
    match clear(&state, &caller, body).await {
        Ok(n) => {
            let to = back.url_and(&[("cleared", n.to_string())]);
            Ok(Redirect::to(&to).into_response())
        }
        Err(err @ AppError::Conflict(..)) => {
            let ctx = Ctx::new(&state, &caller, LIST);
            let targets = targets(&state, &caller, &ctx, &back, &ids).await?;
            let error = match &err {
                AppError::Conflict(id, _) => ctx.t(id),
                _ => String::new(),
            };
            let mut r = render(&ClearPage {
                ctx,
                back: back.url(),
                targets,
                error,
            });
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "alarms_clear_type.html")]
pub(super) struct ClearTypePage {
    ctx: Ctx,
    back: String,
    alarm_type: &'static str,
    summary: String,
    ongoing_text: String,
    clearable: i64,
    ongoing: i64,
}

pub(super) fn parse_type(form: &FormMap) -> Result<Option<AlarmType>, AppError> {
    match form
        .get("alarmType")
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => Ok(None),
        Some(t) => AlarmType::parse(t)
            .map(Some)
            .ok_or_else(|| AppError::field("alarmType", Rule::Invalid)),
    }
}

/// "Clear all of type": confirm first, saying how many go and how many ongoing ones stay (ALM-5).
pub(super) async fn confirm_clear_type(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let form = FormMap::parse(q.unwrap_or_default().as_bytes());
    let back = safe_back(form.get("back"));
    let Some(t) = parse_type(&form)? else {
        return Ok(Redirect::to(&back.url()).into_response());
    };
    let scope = caller.principal.scope();
    let count = |ongoing: bool| {
        let state = state.clone();
        async move {
            let f = AlarmFilter {
                alarm_type: Some(t),
                ongoing: Some(ongoing),
                ..Default::default()
            };
            state
                .store
                .list_alarms(scope, &f, None, PageRequest::new(0, 1))
                .await
                .map(|(_, n)| n)
        }
    };
    let clearable = count(false).await?;
    let ongoing = count(true).await?;
    let ctx = Ctx::new(&state, &caller, LIST);
    let summary = ctx.i18n.t_args(
        ctx.lang,
        "alarms-clear-type-confirm",
        &[
            ("type", type_label(&ctx, t.as_str())),
            ("count", ctx.n(&clearable)),
        ],
    );
    let ongoing_text = ctx.t1("alarms-clear-type-ongoing", "count", &ctx.n(&ongoing));
    Ok(render(&ClearTypePage {
        summary,
        ongoing_text,
        ctx,
        back: back.url(),
        alarm_type: t.as_str(),
        clearable,
        ongoing,
    }))
}

pub(super) async fn clear_type(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormMap::parse(&body);
    let back = safe_back(form.get("back"));
    let Some(t) = parse_type(&form)? else {
        return Ok(Redirect::to(&back.url()).into_response());
    };
    let n = clear(
        &state,
        &caller,
        ClearBody {
            ids: None,
            alarm_type: Some(t.as_str().to_string()),
        },
    )
    .await?;
    let to = back.url_and(&[
        ("cleared", n.to_string()),
        ("clearedType", t.as_str().to_string()),
    ]);
    Ok(Redirect::to(&to).into_response())
}
