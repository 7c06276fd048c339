//! CRT-1: the identity every listener of this node serves, swapped in place. Each TLS listener
//! (console, API and agent gateway; remote-support proxy; phone file server) asks it for the
//! certificate at every handshake, so a regenerated or added identity is served at the next
//! handshake without a restart, and the connections already open (agents) stay as they are.
//!
//! The deployment's identity is one database row (its key sealed with the secret key every node
//! shares): the first node to start gives it, the others adopt it, and each node compares it with
//! the one it serves at every heartbeat. The data dir keeps a copy as files for the programs that
//! read files (Kamailio's TLS, the remote-support bundles).

use super::certificate::{self, Accepted, Described};
use super::{TlsError, CERT_FILE, KEY_FILE};
use patchbay_store::crypto::SecretBox;
use patchbay_store::Store;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// The identity in force.
#[derive(Debug)]
pub struct Current {
    /// The database row it came from.
    pub id: String,
    pub certified: Arc<CertifiedKey>,
    pub leaf: Described,
    pub chain_pem: String,
}

/// The live identity of this node.
#[derive(Debug)]
pub struct Identity {
    current: RwLock<Arc<Current>>,
    data_dir: PathBuf,
}

impl ResolvesServerCert for Identity {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current().certified.clone())
    }
}

fn load_pem(chain_pem: &str, key_pem: &str) -> Result<(Arc<CertifiedKey>, Described), TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Corrupt(e.to_string()))?;
    let leaf = chain
        .first()
        .ok_or_else(|| TlsError::Corrupt("no certificate".into()))?;
    let leaf = certificate::describe(leaf).map_err(|e| TlsError::Corrupt(e.to_string()))?;
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| TlsError::Corrupt(e.to_string()))?;
    let signer = rustls::crypto::ring::default_provider()
        .key_provider
        .load_private_key(key)
        .map_err(|e| TlsError::Corrupt(e.to_string()))?;
    Ok((Arc::new(CertifiedKey::new(chain, signer)), leaf))
}

fn write_files(data_dir: &Path, chain_pem: &str, key_pem: &str) -> Result<(), TlsError> {
    let cert = data_dir.join(CERT_FILE);
    let key = data_dir.join(KEY_FILE);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TlsError::Io { path, source }
    };
    if std::fs::read_to_string(&cert).ok().as_deref() == Some(chain_pem)
        && std::fs::read_to_string(&key).ok().as_deref() == Some(key_pem)
    {
        return Ok(());
    }
    // Written beside, then renamed: a reader sees the old files or the new ones.
    let key_new = data_dir.join(format!("{KEY_FILE}.new"));
    let cert_new = data_dir.join(format!("{CERT_FILE}.new"));
    crate::datadir::write_private(&key_new, key_pem.as_bytes()).map_err(io(&key_new))?;
    std::fs::write(&cert_new, chain_pem).map_err(io(&cert_new))?;
    std::fs::rename(&key_new, &key).map_err(io(&key))?;
    std::fs::rename(&cert_new, &cert).map_err(io(&cert))?;
    Ok(())
}

/// The deployment's identity: the database's, or (first node of a new deployment, or one
/// upgraded from a version that kept it only in files) the data dir's, which becomes it.
async fn stored(store: &Store, secrets: &SecretBox, data_dir: &Path) -> Result<Current, TlsError> {
    loop {
        if let Some((row, sealed)) = store
            .identity_certificate()
            .await
            .map_err(TlsError::Store)?
        {
            let key_pem = secrets.open(&sealed).map_err(|_| {
                TlsError::Corrupt("the identity key cannot be opened with this secret key".into())
            })?;
            let (certified, leaf) = load_pem(&row.chain_pem, &key_pem)?;
            write_files(data_dir, &row.chain_pem, &key_pem)?;
            return Ok(Current {
                id: row.id,
                certified,
                leaf,
                chain_pem: row.chain_pem,
            });
        }
        let (cert, key) = super::ensure_identity(data_dir)?;
        let io = |p: &PathBuf| {
            let path = p.clone();
            move |source| TlsError::Io { path, source }
        };
        let chain_pem = std::fs::read_to_string(&cert).map_err(io(&cert))?;
        let key_pem = std::fs::read_to_string(&key).map_err(io(&key))?;
        let (_, leaf) = load_pem(&chain_pem, &key_pem)?;
        // Another node may be first: the loop serves what the database then holds.
        store
            .adopt_identity_certificate(&leaf.row(&chain_pem), &secrets.seal(&key_pem))
            .await
            .map_err(TlsError::Store)?;
    }
}

impl Identity {
    /// This node's identity at start (see [`stored`]).
    pub async fn load(
        store: &Store,
        secrets: &SecretBox,
        data_dir: &Path,
    ) -> Result<Self, TlsError> {
        Ok(Self {
            current: RwLock::new(Arc::new(stored(store, secrets, data_dir).await?)),
            data_dir: data_dir.to_path_buf(),
        })
    }

    pub fn current(&self) -> Arc<Current> {
        match self.current.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn swap(&self, next: Current) {
        let next = Arc::new(next);
        match self.current.write() {
            Ok(mut c) => *c = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }

    /// Make `accepted` the deployment's identity and serve it here at once (other nodes follow
    /// at their next heartbeat). `how` is the audit action.
    pub async fn install(
        &self,
        store: &Store,
        secrets: &SecretBox,
        meta: &patchbay_store::AuditMeta,
        accepted: Accepted,
        how: &str,
    ) -> Result<(), TlsError> {
        let chain_pem = accepted.chain_pem();
        let key_pem = accepted.key_pem();
        let id = store
            .replace_identity_certificate(
                meta,
                &accepted.leaf.row(&chain_pem),
                &secrets.seal(&key_pem),
                how,
            )
            .await
            .map_err(TlsError::Store)?;
        write_files(&self.data_dir, &chain_pem, &key_pem)?;
        self.swap(Current {
            id,
            certified: accepted.certified,
            leaf: accepted.leaf,
            chain_pem,
        });
        tracing::info!(
            action = how,
            "the hub's identity certificate changed; new connections get it"
        );
        Ok(())
    }

    /// Serve the database's identity if another node replaced it. Cheap when nothing changed
    /// (one indexed read of its id).
    pub async fn follow(&self, store: &Store, secrets: &SecretBox) -> Result<bool, TlsError> {
        let id = store
            .identity_certificate_id()
            .await
            .map_err(TlsError::Store)?;
        if id.is_none() || id.as_deref() == Some(self.current().id.as_str()) {
            return Ok(false);
        }
        self.swap(stored(store, secrets, &self.data_dir).await?);
        tracing::info!(
            "the hub's identity certificate was changed on another node; new connections get it"
        );
        Ok(true)
    }

    /// A rustls server configuration that asks this identity at every handshake.
    pub fn server_config(self: &Arc<Self>, alpn: &[&[u8]]) -> rustls::ServerConfig {
        let mut config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        config
    }
}
