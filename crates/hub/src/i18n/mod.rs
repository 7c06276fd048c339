//! Fluent message files, one per language (UI-1). English is complete and the fallback for any
//! message a language lacks. Loaded once at start-up into state.

pub mod format;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::HashMap;
use std::sync::Arc;

pub const LANGUAGES: [(&str, &str); 5] = [
    ("en", "English"),
    ("fr", "Français"),
    ("ro", "Română"),
    ("ko", "한국어"),
    ("uk", "Українська"),
];

/// Message files per language; every file of a language goes into its bundle.
macro_rules! files {
    ($lang:literal) => {
        [
            include_str!(concat!("../../locales/", $lang, "/main.ftl")),
            include_str!(concat!("../../locales/", $lang, "/customers.ftl")),
            include_str!(concat!("../../locales/", $lang, "/alarms.ftl")),
            include_str!(concat!("../../locales/", $lang, "/calling.ftl")),
            include_str!(concat!("../../locales/", $lang, "/jobs.ftl")),
            include_str!(concat!("../../locales/", $lang, "/remote.ftl")),
            include_str!(concat!("../../locales/", $lang, "/repository.ftl")),
            include_str!(concat!("../../locales/", $lang, "/customization.ftl")),
            include_str!(concat!("../../locales/", $lang, "/mobile.ftl")),
            include_str!(concat!("../../locales/", $lang, "/operators.ftl")),
            include_str!(concat!("../../locales/", $lang, "/certificates.ftl")),
            include_str!(concat!("../../locales/", $lang, "/appcentre.ftl")),
        ]
    };
}

const SOURCES: [(&str, [&str; 12]); 5] = [
    ("en", files!("en")),
    ("fr", files!("fr")),
    ("ro", files!("ro")),
    ("ko", files!("ko")),
    ("uk", files!("uk")),
];

type Bundle = FluentBundle<FluentResource>;

#[derive(Clone)]
pub struct I18n {
    bundles: Arc<HashMap<&'static str, Bundle>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("message file {lang}: {detail}")]
pub struct I18nError {
    lang: &'static str,
    detail: String,
}

impl I18n {
    pub fn load() -> Result<Self, I18nError> {
        let mut bundles = HashMap::new();
        for (lang, srcs) in SOURCES {
            let id: unic_langid::LanguageIdentifier = lang.parse().map_err(|_| I18nError {
                lang,
                detail: "bad language id".into(),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            for src in srcs {
                let res =
                    FluentResource::try_new(src.to_string()).map_err(|(_, errs)| I18nError {
                        lang,
                        detail: format!("{errs:?}"),
                    })?;
                bundle.add_resource(res).map_err(|errs| I18nError {
                    lang,
                    detail: format!("{errs:?}"),
                })?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(Self {
            bundles: Arc::new(bundles),
        })
    }

    /// A supported language code for `requested`, English otherwise.
    pub fn language(requested: &str) -> &'static str {
        let base = requested
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_lowercase();
        LANGUAGES
            .iter()
            .find(|(code, _)| *code == base)
            .map(|(code, _)| *code)
            .unwrap_or("en")
    }

    /// The best language of an `Accept-Language` header: the supported one with the highest
    /// weight (`q`, default 1; `q=0` means "not this one"), the earlier on a tie; English otherwise.
    pub fn from_accept_language(header: &str) -> &'static str {
        let mut best: Option<(&'static str, f32)> = None;
        for part in header.split(',') {
            let mut fields = part.split(';');
            let tag = fields.next().unwrap_or("").trim();
            let q = fields
                .filter_map(|f| f.trim().strip_prefix("q="))
                .find_map(|v| v.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let base = tag.split(['-', '_']).next().unwrap_or("").to_lowercase();
            let Some((code, _)) = LANGUAGES.iter().find(|(c, _)| *c == base) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((code, q));
            }
        }
        best.map_or("en", |(c, _)| c)
    }

    fn format(&self, lang: &str, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundles.get(lang)?;
        let msg = bundle.get_message(id)?;
        let pattern = msg.value()?;
        let mut errors = vec![];
        Some(
            bundle
                .format_pattern(pattern, args, &mut errors)
                .into_owned(),
        )
    }

    /// The message `id` in `lang`, falling back to English, then to the id itself.
    pub fn t(&self, lang: &str, id: &str) -> String {
        self.t_args(lang, id, &[])
    }

    pub fn t_args(&self, lang: &str, id: &str, args: &[(&str, String)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, FluentValue::from(v.clone()));
        }
        let fa = (!args.is_empty()).then_some(&fa);
        self.format(lang, id, fa)
            .or_else(|| self.format("en", id, fa))
            .unwrap_or_else(|| id.to_string())
    }

    /// Whether `lang` defines `id` itself (used by the completeness test).
    pub fn has(&self, lang: &str, id: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(id))
    }

    /// Every message id of the English file.
    pub fn english_ids() -> Vec<String> {
        SOURCES[0]
            .1
            .iter()
            .flat_map(|src| src.lines())
            .filter_map(|l| {
                let (id, _) = l.split_once(" =")?;
                (!id.starts_with(' ') && !id.starts_with('#') && !id.is_empty())
                    .then(|| id.trim().to_string())
            })
            .collect()
    }

    /// A field error in `lang`: "<field label>: <rule text>".
    pub fn field_error(&self, lang: &str, e: &patchbay_domain::FieldError) -> String {
        // A problem inside a file (CST-6): the field is where, the message says what.
        if let patchbay_domain::Rule::Content { code, value } = &e.rule {
            let what = self.t_args(
                lang,
                &format!("cst-problem-{code}"),
                &[("value", value.clone())],
            );
            return format!("{}: {what}", e.field);
        }
        let field = self.t(lang, &format!("field-{}", e.field.replace('.', "-")));
        let rule = self.t_args(lang, e.rule.message_id(), &e.rule.args());
        format!("{field}: {rule}")
    }

    /// A localiser for the error body.
    pub fn error_texts(&self, lang: &str, err: &crate::error::AppError) -> (String, Vec<String>) {
        use crate::error::AppError as E;
        match err {
            E::Validation(fields) => (
                self.t(lang, "error-validation"),
                fields.iter().map(|f| self.field_error(lang, f)).collect(),
            ),
            E::Conflict(id, _) => (self.t(lang, "error-conflict"), vec![self.t(lang, id)]),
            E::RateLimited { retry_after_secs } => (
                self.t(lang, "error-rate-limited"),
                vec![self.t_args(
                    lang,
                    "error-retry-after",
                    &[("seconds", retry_after_secs.to_string())],
                )],
            ),
            E::TooLarge | E::UriTooLong => {
                let (key, bytes) = match err {
                    E::TooLarge => ("error-too-large", crate::http::BODY_LIMIT),
                    _ => ("error-uri-too-long", crate::http::URI_LIMIT),
                };
                (
                    self.t(lang, key),
                    vec![self.t_args(
                        lang,
                        &format!("{key}-detail"),
                        &[("bytes", bytes.to_string())],
                    )],
                )
            }
            E::FileTooLarge { max_bytes } => (
                self.t(lang, "error-file-too-large"),
                vec![self.t_args(
                    lang,
                    "error-file-too-large-detail",
                    &[("bytes", max_bytes.to_string())],
                )],
            ),
            other => {
                let (_, english_detail) = crate::error::english(other);
                let key = match other {
                    E::Unauthorized => "error-unauthorized",
                    E::Forbidden => "error-forbidden",
                    E::NotFound => "error-not-found",
                    E::MethodNotAllowed => "error-method-not-allowed",
                    E::Malformed(_) => "error-malformed",
                    E::ChecksumMismatch => "error-checksum",
                    _ => "error-internal",
                };
                let detail = match other {
                    E::Malformed(_) => english_detail,
                    _ => vec![self.t(lang, &format!("{key}-detail"))],
                };
                (self.t(lang, key), detail)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_1_message_files_parse_and_french_is_complete() {
        let i = I18n::load().unwrap_or_else(|e| panic!("{e}"));
        let ids = I18n::english_ids();
        assert!(ids.len() > 50);
        let missing: Vec<_> = ids.iter().filter(|id| !i.has("fr", id)).collect();
        assert!(missing.is_empty(), "French lacks {missing:?}");
    }

    /// Each message of a file's source: its id, with its attributes and `$variables` (a
    /// message runs until the next line that starts in the first column).
    fn messages(src: &str) -> HashMap<String, (Vec<String>, Vec<String>)> {
        let mut out: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
        let mut current: Option<String> = None;
        for line in src.lines() {
            let starts_message = line
                .split_once(" =")
                .filter(|(id, _)| !id.is_empty() && !id.starts_with([' ', '#', '.']))
                .map(|(id, _)| id.trim().to_string());
            if let Some(id) = starts_message {
                out.entry(id.clone()).or_default();
                current = Some(id);
            } else if !line.starts_with(' ') && !line.trim().is_empty() {
                current = None;
            }
            let Some(id) = &current else { continue };
            let entry = out.entry(id.clone()).or_default();
            if let Some(attr) = line.trim_start().strip_prefix('.') {
                if let Some((name, _)) = attr.split_once('=') {
                    entry.0.push(name.trim().to_string());
                }
            }
            let mut rest = line;
            while let Some(i) = rest.find('$') {
                let var: String = rest[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !entry.1.contains(&var) {
                    entry.1.push(var);
                }
                rest = &rest[i + 1..];
            }
        }
        for (attrs, vars) in out.values_mut() {
            attrs.sort();
            vars.sort();
        }
        out
    }

    /// UI-1: every language has every message English has — with the same attributes and the
    /// same variables — and no message English lacks.
    #[test]
    fn ui_1_every_language_has_every_message_with_the_same_variables() {
        let english: Vec<_> = SOURCES[0].1.iter().map(|src| messages(src)).collect();
        let mut problems = Vec::new();
        for (lang, srcs) in &SOURCES[1..] {
            for (file, (src, en)) in srcs.iter().zip(&english).enumerate() {
                let theirs = messages(src);
                for (id, want) in en {
                    match theirs.get(id) {
                        None => problems.push(format!("{lang} file {file}: {id} missing")),
                        Some(got) if got != want => {
                            problems.push(format!("{lang} file {file}: {id} {got:?} != {want:?}"))
                        }
                        Some(_) => {}
                    }
                }
                for id in theirs.keys().filter(|id| !en.contains_key(*id)) {
                    problems.push(format!("{lang} file {file}: {id} is not in English"));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{} problems:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }

    /// UI-1: no Korean or Ukrainian message is a copy of the English one (the browser walk only
    /// notices English that differs from the page language's file).
    #[test]
    fn ui_1_korean_and_ukrainian_messages_are_not_english_copies() {
        let i18n = I18n::load().unwrap_or_else(|e| panic!("{e}"));
        let latin_word = |s: &str| {
            s.split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| w.len() >= 4 && w != "Patchbay")
        };
        let mut copies = Vec::new();
        for lang in ["ko", "uk"] {
            for id in I18n::english_ids() {
                let en = i18n.t("en", &id);
                if i18n.t(lang, &id) == en && latin_word(&en) {
                    copies.push(format!("{lang}: {id} = {en}"));
                }
            }
        }
        assert!(copies.is_empty(), "{}", copies.join("\n"));
    }

    /// `s` without the spans from each `open` to the next `close`.
    fn without(s: &str, open: &str, close: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find(open) {
            out.push_str(&rest[..i]);
            out.push(' ');
            rest = rest[i + open.len()..]
                .split_once(close)
                .map_or("", |(_, after)| after);
        }
        out.push_str(rest);
        out
    }

    /// Words (two letters or more) in `text`.
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| w.chars().count() > 1)
            .map(str::to_string)
            .collect()
    }

    /// UI-1: no page carries visible text of its own — every word a user reads (text, and the
    /// `aria-label`, `title`, `placeholder`, `alt` attributes) comes from the message files.
    /// Names and terms that are the same in every language, and example values, are allowed.
    #[test]
    fn ui_1_templates_have_no_visible_text_outside_the_message_files() {
        const SAME_IN_EVERY_LANGUAGE: [&str; 9] = [
            "Patchbay", "Webex", "SIP", "MAC", "API", "Europe", "Paris", "FR", "UTC",
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut found = Vec::new();
        let mut files = vec![dir];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for e in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    files.push(e.path());
                }
                continue;
            }
            let src = std::fs::read_to_string(&path).unwrap_or_default();
            let mut s = src.clone();
            for (open, close) in [
                ("{#", "#}"),
                ("<!--", "-->"),
                ("<script", "</script>"),
                ("{{", "}}"),
                ("{%", "%}"),
            ] {
                s = without(&s, open, close);
            }
            let mut visible = String::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find('<') {
                visible.push_str(&rest[..i]);
                visible.push(' ');
                let (tag, after) = rest[i..].split_once('>').unwrap_or((&rest[i..], ""));
                for attr in ["aria-label=\"", "title=\"", "placeholder=\"", "alt=\""] {
                    let mut t = tag;
                    while let Some(j) = t.find(attr) {
                        let value = &t[j + attr.len()..];
                        let value = value.split('"').next().unwrap_or("");
                        visible.push_str(value);
                        visible.push(' ');
                        t = &t[j + attr.len()..];
                    }
                }
                rest = after;
            }
            visible.push_str(rest);
            for w in words(&visible) {
                if !SAME_IN_EVERY_LANGUAGE.contains(&w.as_str()) {
                    found.push(format!("{}: {w}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "visible text outside the message files:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn ui_1_other_languages_fall_back_to_english() {
        let i = I18n::load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(i.t("xx", "login-title"), i.t("en", "login-title"));
        assert_ne!(i.t("fr", "login-title"), i.t("en", "login-title"));
        assert_eq!(I18n::from_accept_language("fr-FR,fr;q=0.9,en;q=0.8"), "fr");
        assert_eq!(I18n::from_accept_language("de"), "en");
        // Weights decide, not the order; q=0 refuses a language.
        assert_eq!(I18n::from_accept_language("en;q=0.5, uk;q=0.9"), "uk");
        assert_eq!(I18n::from_accept_language("ko;q=0, fr;q=0.1"), "fr");
        assert_eq!(I18n::from_accept_language("ro, ko"), "ro");
        assert_eq!(I18n::from_accept_language("ko;q=abc"), "ko");
        assert_eq!(I18n::language("ko"), "ko");
    }
}
