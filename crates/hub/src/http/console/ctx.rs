//! The typed context every console template receives: language, messages, CSRF token, the
//! caller's badge and which menu entries the caller's role may see (DSH-2).

use crate::auth::Caller;
use crate::i18n::I18n;
use crate::state::AppState;
use patchbay_domain::Capability;

#[derive(Debug, Clone)]
pub struct Badge {
    pub login: String,
    pub name: String,
    pub role: String,
}

/// Which menu entries to offer; the server refuses the pages anyway (RBAC-1).
#[derive(Debug, Clone, Default)]
pub struct Menu {
    pub file_management: bool,
    pub app_centre: bool,
    pub accounts: bool,
    /// RBAC-5: may create Customer administrators (an Operator without account management).
    pub customer_admins: bool,
    pub preferences: bool,
    pub certificates: bool,
    /// RMT-8's session audit (Administrators).
    pub remote_sessions: bool,
    pub operations: bool,
    /// Calling provisioning pages (RBAC-5).
    pub calling: bool,
    pub kiosk: bool,
    /// Before the first-login terms are accepted and a forced password change is done, the
    /// pages show no menu: there is nowhere to go yet.
    pub gated: bool,
}

#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: &'static str,
    pub i18n: I18n,
    pub csrf: String,
    pub user: Option<Badge>,
    pub menu: Menu,
    pub system_name: String,
    pub path: String,
    pub read_only: bool,
    /// PRF-8: the page reports its script errors to the hub's log.
    pub client_logging: bool,
}

/// A page handler's context: the caller's language, menu and CSRF token, the preferences'
/// system name, and the request path for the menu's current entry.
impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = crate::error::AppError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller =
            <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await?;
        Ok(Self::new(state, &caller, parts.uri.path()))
    }
}

impl Ctx {
    /// The context of a page at `path` (the menu marks the entry it starts with) for `caller`.
    pub fn new(state: &AppState, caller: &Caller, path: &str) -> Self {
        let prefs = state.preferences();
        let session = caller.session.as_ref();
        let p = &caller.principal;
        let kiosk = p.kiosk_mode && p.role.may_use_kiosk();
        Self {
            lang: I18n::language(session.map(|s| s.language.as_str()).unwrap_or("en")),
            i18n: state.i18n.clone(),
            csrf: session.map(|s| s.csrf_token.clone()).unwrap_or_default(),
            user: Some(Badge {
                login: caller.account.fields.login_name.clone(),
                name: caller.account.display_name(),
                role: caller.account.fields.role.to_string(),
            }),
            menu: Menu {
                file_management: p.allowed(Capability::ManageCustomizationFiles),
                app_centre: p.allowed(Capability::ServerSettings),
                accounts: p.allowed(Capability::ManageAccounts),
                customer_admins: p.allowed(Capability::CreateCustomerAdmins),
                preferences: p.allowed(Capability::ServerSettings),
                certificates: p.allowed(Capability::ServerSettings),
                remote_sessions: p.allowed(Capability::AuditRemoteSessions),
                operations: p.allowed(Capability::ViewOperations),
                calling: p.allowed(Capability::ViewProvisioning),
                kiosk,
                gated: !caller.account.terms_accepted
                    || caller.account.fields.force_password_change,
            },
            system_name: prefs.system_name.clone(),
            path: path.to_string(),
            read_only: p.effective_read_only(),
            client_logging: prefs.client_logging,
        }
    }

    /// The context of a page before sign-in (login, password reset).
    pub fn anonymous(state: &AppState, lang: &str, path: &str) -> Self {
        let prefs = state.preferences();
        Self {
            lang: I18n::language(lang),
            i18n: state.i18n.clone(),
            csrf: String::new(),
            user: None,
            menu: Menu::default(),
            system_name: prefs.system_name.clone(),
            path: path.to_string(),
            read_only: false,
            client_logging: false,
        }
    }

    /// A message in the page's language.
    pub fn t(&self, id: &str) -> String {
        self.i18n.t(self.lang, id)
    }

    /// A whole number as the page's language writes it (digit grouping).
    pub fn n(&self, n: &impl Count) -> String {
        crate::i18n::format::integer(self.lang, n.count())
    }

    /// Bytes as the page shows them (KiB, MiB … in the page's number format).
    pub fn bytes(&self, n: i64) -> String {
        const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        let mut v = n as f64;
        let mut u = 0;
        while v >= 1024.0 && u < UNITS.len() - 1 {
            v /= 1024.0;
            u += 1;
        }
        if u == 0 {
            format!("{} B", self.n(&n))
        } else {
            format!(
                "{} {}",
                crate::i18n::format::decimal1(self.lang, v),
                UNITS[u]
            )
        }
    }

    /// A moment in the hub's local time zone, as the page's language writes dates and times.
    pub fn datetime(&self, t: jiff::Timestamp) -> String {
        crate::i18n::format::datetime(self.lang, &t.to_zoned(jiff::tz::TimeZone::system()))
    }

    /// A calendar date as the page's language writes it.
    pub fn date(&self, d: jiff::civil::Date) -> String {
        crate::i18n::format::date(self.lang, d)
    }

    /// A message with one argument.
    /// A message with several arguments.
    pub fn t_args(&self, id: &str, args: &[(&str, &str)]) -> String {
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.i18n.t_args(self.lang, id, &args)
    }

    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.i18n
            .t_args(self.lang, id, &[(name, value.to_string())])
    }

    /// A message with two arguments.
    pub fn t2(&self, id: &str, n1: &str, v1: &str, n2: &str, v2: &str) -> String {
        self.i18n
            .t_args(self.lang, id, &[(n1, v1.to_string()), (n2, v2.to_string())])
    }

    /// The message `prefix` + `value` when the files have it, the raw value otherwise (stored
    /// codes shown in words).
    pub fn word(&self, prefix: &str, value: &str) -> String {
        let id = format!("{prefix}{value}");
        if self.i18n.has("en", &id) {
            self.t(&id)
        } else {
            value.to_string()
        }
    }

    /// The notice of a page reached after a change (`?done=deleted` …): the message
    /// `{prefix}-{done}` when the files have it, nothing otherwise.
    pub fn done_notice(&self, form: &super::forms::FormMap, prefix: &str) -> String {
        match form.get("done") {
            Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let id = format!("{prefix}-{d}");
                if self.i18n.has("en", &id) {
                    self.t(&id)
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        }
    }

    pub fn role_name(&self, role: &str) -> String {
        self.t(&format!("role-{role}"))
    }

    /// The `aria-current` marker for the menu entry of the current page.
    pub fn current(&self, prefix: &str) -> &'static str {
        if self.path.starts_with(prefix) {
            "page"
        } else {
            "false"
        }
    }

    /// Where the brand link and "back" links lead: the dashboard, or the calling pages for an
    /// account without operations pages (a Customer administrator).
    pub fn home(&self) -> &'static str {
        if self.menu.operations || !self.menu.calling {
            "/com/dashboard"
        } else {
            "/com/calling/devices"
        }
    }

    pub fn is_lang(&self, code: &str) -> bool {
        self.lang == code
    }

    pub fn languages(&self) -> Vec<(&'static str, &'static str)> {
        crate::i18n::LANGUAGES.to_vec()
    }
}

/// A count a page shows: any integer, however many references deep a template holds it.
pub trait Count {
    fn count(&self) -> i128;
}

macro_rules! count_of_integer {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> i128 {
                i128::from(*self)
            }
        }
    )*};
}
count_of_integer!(i32, i64, u32, u64);

impl Count for usize {
    fn count(&self) -> i128 {
        i128::try_from(*self).unwrap_or(i128::MAX)
    }
}

impl<T: Count + ?Sized> Count for &T {
    fn count(&self) -> i128 {
        (**self).count()
    }
}
