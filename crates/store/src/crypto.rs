//! Password hashing (argon2id), token hashing (SHA-256) and the secret box (AES-256-GCM) that
//! encrypts SIP and proxy secrets at rest. CPU-heavy calls: run them off the async executor.

use aes_gcm::aead::{Aead, KeyInit, OsRng};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// argon2id with the crate's default (OWASP-recommended) parameters and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for parameters out of range, which the defaults are not.
        .unwrap_or_default()
}

/// Constant-time check of `password` against a stored PHC string. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random token (URL-safe, 256 bits), for sessions, CSRF and API tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored as their SHA-256, never in clear.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Encrypts secrets at rest with AES-256-GCM; the 96-bit nonce is stored in front of the
/// ciphertext, the whole base64-encoded.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret key must be 32 bytes")]
    KeyLength,
    #[error("secret could not be decrypted (wrong key or corrupt data)")]
    Decrypt,
}

impl SecretBox {
    pub fn new(key: &[u8]) -> Result<Self, SecretError> {
        if key.len() != 32 {
            return Err(SecretError::KeyLength);
        }
        Ok(Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
        })
    }

    pub fn generate_key() -> [u8; 32] {
        let mut k = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        k
    }

    pub fn seal(&self, plain: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        // Encryption with a valid key and nonce cannot fail for in-memory buffers.
        out.extend(
            self.cipher
                .encrypt(&nonce, plain.as_bytes())
                .unwrap_or_default(),
        );
        base64::engine::general_purpose::STANDARD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Result<String, SecretError> {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| SecretError::Decrypt)?;
        if raw.len() < 12 {
            return Err(SecretError::Decrypt);
        }
        let (nonce, ct) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ct)
            .map_err(|_| SecretError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| SecretError::Decrypt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opr_2_passwords_are_argon2id_and_verify() {
        let h = hash_password("Correct-horse1");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("Correct-horse1", &h));
        assert!(!verify_password("Correct-horse2", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_round_trip_and_fail_with_another_key() {
        let a = SecretBox::new(&SecretBox::generate_key()).unwrap_or_else(|e| panic!("{e}"));
        let b = SecretBox::new(&SecretBox::generate_key()).unwrap_or_else(|e| panic!("{e}"));
        let sealed = a.seal("s1p-secret");
        assert_ne!(sealed, a.seal("s1p-secret"), "nonce must differ");
        assert_eq!(a.open(&sealed).ok().as_deref(), Some("s1p-secret"));
        assert!(b.open(&sealed).is_err());
    }

    #[test]
    fn rbac_4_tokens_stored_hashed() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
    }
}
