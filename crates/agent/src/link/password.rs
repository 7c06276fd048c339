//! The service-user password, kept out of logs.

use anyhow::{bail, Context};
use std::{fmt, path::Path, sync::Arc};

/// The service-user password. Its `Debug` never shows it, and nothing logs it.
#[derive(Clone)]
pub struct Password(Arc<str>);

impl Password {
    pub fn new(password: impl Into<String>) -> Self {
        Self(Arc::from(password.into()))
    }

    /// Reads the password from a file, without its trailing newline.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read password file {}", path.display()))?;
        let p = text.trim_end_matches(['\n', '\r']);
        if p.is_empty() {
            bail!("password file {} is empty", path.display());
        }
        Ok(Self::new(p))
    }

    /// Reads the password from an environment variable.
    pub fn from_env(var: &str) -> anyhow::Result<Self> {
        let p = std::env::var(var).with_context(|| format!("environment variable {var}"))?;
        if p.is_empty() {
            bail!("environment variable {var} is empty");
        }
        Ok(Self::new(p))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}
