//! Proxy logins (RMT-2, RMT-3): `Proxy-Authorization: Basic`, checked against the maintenance
//! proxy accounts with the console's lockout rule (OPR-3, one atomic admission per attempt, so
//! parallel guesses get no more tries than serial ones). A login verified once is remembered for a
//! few minutes as a keyed digest, so a browser opening twenty streams does not cost twenty argon2
//! checks; changing the password forgets it.

use crate::state::AppState;
use base64::Engine;
use patchbay_domain::remote::Refusal;
use patchbay_store::lockout::Admission;
use patchbay_store::remote::ProxyAccount;
use patchbay_store::AuditMeta;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a verified login is remembered.
const REMEMBER: Duration = Duration::from_secs(300);
/// Remembered logins at most (the oldest are dropped beyond).
const REMEMBER_MAX: usize = 10_000;

/// A login verified lately: digest of the password, the stored hash it matched, when.
type Seen = ([u8; 32], String, Instant);

/// Logins verified lately, by user key.
pub struct Verified {
    key: [u8; 32],
    seen: Mutex<HashMap<String, Seen>>,
}

impl Default for Verified {
    fn default() -> Self {
        Self {
            key: rand::random(),
            seen: Mutex::new(HashMap::new()),
        }
    }
}

impl Verified {
    fn digest(&self, password: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(password.as_bytes());
        h.finalize().into()
    }

    fn knows(&self, user_key: &str, password: &str, stored: &str) -> bool {
        let d = self.digest(password);
        match self.seen.lock() {
            Ok(m) => m.get(user_key).is_some_and(|(digest, hash, at)| {
                *digest == d && hash == stored && at.elapsed() < REMEMBER
            }),
            Err(_) => false,
        }
    }

    fn remember(&self, user_key: &str, password: &str, stored: &str) {
        let d = self.digest(password);
        if let Ok(mut m) = self.seen.lock() {
            if m.len() >= REMEMBER_MAX {
                m.retain(|_, (_, _, at)| at.elapsed() < REMEMBER);
                if m.len() >= REMEMBER_MAX {
                    m.clear();
                }
            }
            m.insert(
                user_key.to_string(),
                (d, stored.to_string(), Instant::now()),
            );
        }
    }
}

/// User name and password of a `Basic` credential (UTF-8, or Latin-1 as older clients send).
pub fn basic(header: Option<&str>) -> Option<(String, String)> {
    let value = header?.trim();
    let (scheme, b64) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = match String::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    };
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// The account `user`/`password` logs in as, or why not.
pub async fn login(
    state: &AppState,
    user: &str,
    password: &str,
    source: &str,
) -> Result<ProxyAccount, Refusal> {
    let internal = |e: patchbay_store::StoreError| {
        tracing::error!(error = %e, "proxy login failed on the store");
        Refusal::Internal
    };
    let user_key = user.to_lowercase();
    let plausible = patchbay_domain::remote::valid_proxy_user(user);
    let found = if plausible {
        state.store.proxy_login(user).await.map_err(internal)?
    } else {
        None
    };
    if let Some(l) = &found {
        if state
            .proxy_logins
            .knows(&user_key, password, &l.password_hash)
        {
            return Ok(l.account.clone());
        }
    }
    let meta = AuditMeta {
        actor_id: None,
        actor_login: if plausible { user } else { "(invalid)" }.to_string(),
        source: source.to_string(),
    };
    let attempt = match state
        .store
        .admit_login_attempt(&format!("proxy:{user_key}"))
        .await
        .map_err(internal)?
    {
        Admission::Admitted(a) => a,
        Admission::Blocked { until } => {
            let secs = until
                .duration_since(jiff::Timestamp::now())
                .as_secs()
                .max(1) as u64;
            return Err(Refusal::Throttled(secs));
        }
    };
    let hash = found
        .as_ref()
        .map(|l| l.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.clone());
    let pw = password.to_string();
    let ok = crate::service::blocking(move || patchbay_store::crypto::verify_password(&pw, &hash))
        .await
        .map_err(|_| Refusal::Internal)?;
    match found.filter(|_| ok) {
        Some(l) => {
            state
                .store
                .login_attempt_succeeded(&attempt)
                .await
                .map_err(internal)?;
            state
                .proxy_logins
                .remember(&user_key, password, &l.password_hash);
            Ok(l.account)
        }
        None => {
            state
                .store
                .login_attempt_failed(&meta, &attempt, "proxy.login", user, "invalid credentials")
                .await
                .map_err(internal)?;
            Err(Refusal::BadCredentials)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rmt_3_basic_credentials_with_special_and_non_ascii_characters() {
        let enc = |s: &[u8]| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            )
        };
        assert_eq!(
            basic(Some(&enc("reseller:p$a@s#s&:wörd".as_bytes()))),
            Some(("reseller".into(), "p$a@s#s&:wörd".into()))
        );
        // Latin-1 bytes, as some clients send them.
        assert_eq!(
            basic(Some(&enc(b"r:w\xf6rd"))),
            Some(("r".into(), "w\u{f6}rd".into()))
        );
        assert_eq!(basic(Some("Bearer abc")), None);
        assert_eq!(basic(None), None);
        assert_eq!(basic(Some(&enc(b"nocolon"))), None);
    }
}
