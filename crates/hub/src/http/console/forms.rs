//! Form helpers: CSRF check on every console POST, and a small reader for urlencoded forms
//! (checkboxes that are absent mean false; repeated keys are kept).

use crate::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header;
use patchbay_domain::FieldError;
use std::collections::HashMap;

const FORM_LIMIT: usize = 1024 * 1024;

/// The header a console script carries the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The token comes from the [`CSRF_HEADER`] header (scripts), the `csrf` query parameter
/// (multipart uploads) or the `csrf` form field.
pub async fn check_csrf(req: Request, expected: &str) -> Result<Request, AppError> {
    // The console's scripts (resumable uploads) send it as a header: a body they stream is not a
    // form.
    if let Some(t) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if crate::auth::same_secret(t, expected) {
            Ok(req)
        } else {
            Err(AppError::Forbidden)
        };
    }
    let from_query = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
    });
    if let Some(t) = from_query {
        return if crate::auth::same_secret(&t, expected) {
            Ok(req)
        } else {
            Err(AppError::Forbidden)
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Forbidden);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| AppError::Malformed("form too large".into()))?;
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned());
    match token {
        Some(t) if crate::auth::same_secret(&t, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::Forbidden),
    }
}

/// A parsed urlencoded form.
#[derive(Debug, Default, Clone)]
pub struct FormMap {
    pairs: Vec<(String, String)>,
}

impl FormMap {
    pub fn parse(bytes: &[u8]) -> Self {
        Self {
            pairs: url::form_urlencoded::parse(bytes).into_owned().collect(),
        }
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self, key: &str) -> String {
        self.get(key).unwrap_or("").to_string()
    }
    /// A checkbox: present and not "false"/"0".
    pub fn checked(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| v != "false" && v != "0")
    }
    /// Every value of `key` that parses as a `T` (ids of selected rows; others are dropped).
    pub fn parsed<T: std::str::FromStr>(&self, key: &str) -> Vec<T> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .filter_map(|(_, v)| v.trim().parse().ok())
            .collect()
    }

    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Field errors keyed by field name, for showing next to inputs.
#[derive(Debug, Default, Clone)]
pub struct FieldMessages {
    pub by_field: HashMap<String, String>,
    pub general: Vec<String>,
}

impl FieldMessages {
    pub fn from_error(err: &AppError, i18n: &crate::i18n::I18n, lang: &str) -> Self {
        let mut m = Self::default();
        match err {
            AppError::Validation(fields) => {
                for f in fields {
                    m.add(i18n, lang, f);
                }
            }
            other => {
                let (title, details) = i18n.error_texts(lang, other);
                m.general.push(format!("{title} {}", details.join(" ")));
            }
        }
        m
    }
    fn add(&mut self, i18n: &crate::i18n::I18n, lang: &str, f: &FieldError) {
        self.by_field
            .entry(f.field.to_string())
            .or_insert_with(|| i18n.t_args(lang, f.rule.message_id(), &f.rule.args()));
    }
    /// The message for a field, empty when none.
    pub fn of(&self, field: &str) -> String {
        self.by_field.get(field).cloned().unwrap_or_default()
    }
    pub fn any(&self) -> bool {
        !self.by_field.is_empty() || !self.general.is_empty()
    }
}

/// Toolbar "Edit" of a list: exactly one selected `id` opens `edit(id)` (the id URL-encoded);
/// anything else goes back to `list`.
pub fn edit_selected(
    query: Option<&str>,
    list: &str,
    edit: impl Fn(&str) -> String,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let ids = FormMap::parse(query.unwrap_or("").as_bytes()).all("id");
    match ids.as_slice() {
        [one] => {
            let id: String = url::form_urlencoded::byte_serialize(one.as_bytes()).collect();
            axum::response::Redirect::to(&edit(&id)).into_response()
        }
        _ => axum::response::Redirect::to(list).into_response(),
    }
}
