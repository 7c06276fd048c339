//! Blobs (backups, log files, and later releases and customization files) through `object_store`:
//! a folder of the data dir by default. Writes stream in parts, hashed on the way, so a blob's size
//! never shows in the hub's memory; readers get a stream back.
//!
//! Keys are `/`-separated and made by the hub (`backups/<system>/<id>.tar.gz`), never taken from a
//! request as they are.

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// The size of the parts a blob is written in (and so roughly the memory one write holds).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// The block a local blob is read in.
const READ_BLOCK: usize = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("no such blob")]
    NotFound,
    #[error("blob store: {0}")]
    Store(String),
    #[error("the blob's source failed: {0}")]
    Source(String),
}

impl From<object_store::Error> for BlobError {
    fn from(e: object_store::Error) -> Self {
        match e {
            object_store::Error::NotFound { .. } => BlobError::NotFound,
            e => BlobError::Store(e.to_string()),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// The blob store.
#[derive(Clone)]
pub struct Blobs {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blobs({})", self.inner)
    }
}

/// PRF-3 for an S3 endpoint: the trusted certificates (DER) besides the public roots, and
/// whether a certificate that does not verify is accepted (the Unrestricted level).
#[derive(Debug, Clone, Default)]
pub struct BlobTls {
    pub trusted_der: Vec<Vec<u8>>,
    pub accept_invalid_certificates: bool,
}

impl Blobs {
    /// Blobs in the folder `dir` (created if missing).
    pub fn local(dir: &Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(dir).map_err(|e| BlobError::Store(e.to_string()))?;
        let fs = LocalFileSystem::new_with_prefix(dir)?.with_automatic_cleanup(true);
        Ok(Self {
            inner: Arc::new(fs),
        })
    }

    /// Blobs where `url` says: `s3://BUCKET[/PREFIX]` for an S3-compatible bucket (options in the
    /// query: `endpoint=http://host:9000` for a server other than AWS, `region=…`; credentials
    /// from the usual `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` environment), `file:///DIR`
    /// or a plain path for a folder. The URL names no secret, so it may be logged.
    pub fn from_url(url: &str) -> Result<Self, BlobError> {
        Self::from_url_with(url, &BlobTls::default())
    }

    /// [`Blobs::from_url`], checking an S3 endpoint's certificate as `tls` says (PRF-3).
    pub fn from_url_with(url: &str, tls: &BlobTls) -> Result<Self, BlobError> {
        // The URL is not repeated: one that wrongly holds a secret must not reach a log line.
        let bad = |why: &str| BlobError::Store(format!("blob URL: {why}"));
        if let Some(path) = url.strip_prefix("file://") {
            return Self::local(Path::new(path));
        }
        if !url.starts_with("s3://") {
            return Self::local(Path::new(url));
        }
        let parsed = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(bad(
                "credentials go in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, not the URL",
            ));
        }
        let bucket = parsed
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| bad("no bucket"))?;
        let mut options = object_store::ClientOptions::new()
            .with_allow_invalid_certificates(tls.accept_invalid_certificates);
        for der in &tls.trusted_der {
            options = options.with_root_certificate(object_store::Certificate::from_der(der)?);
        }
        let mut b = object_store::aws::AmazonS3Builder::from_env()
            .with_client_options(options)
            .with_bucket_name(bucket)
            .with_region("us-east-1");
        for (k, v) in parsed.query_pairs() {
            b = match k.as_ref() {
                "endpoint" => b
                    .with_allow_http(v.starts_with("http://"))
                    .with_virtual_hosted_style_request(false)
                    .with_endpoint(v.as_ref()),
                "region" => b.with_region(v.as_ref()),
                other => return Err(bad(&format!("unknown option {other:?}"))),
            };
        }
        let s3 = b.build()?;
        let prefix = parsed.path().trim_matches('/');
        let inner: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
        };
        Ok(Self { inner })
    }

    fn key(key: &str) -> Result<Key, BlobError> {
        Key::parse(key).map_err(|e| BlobError::Store(e.to_string()))
    }

    /// Write `source` to `key`, part by part, hashing it; a failing source aborts the upload and
    /// leaves nothing under `key`.
    pub async fn put_stream<E: std::fmt::Display>(
        &self,
        key: &str,
        mut source: impl futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    ) -> Result<Stored, BlobError> {
        let upload = self.inner.put_multipart(&Self::key(key)?).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let mut hash = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = source.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(BlobError::Source(e.to_string()));
                }
            };
            // At most two parts in flight: memory stays bounded whatever the blob's size.
            if let Err(e) = writer.wait_for_capacity(2).await {
                return Err(e.into());
            }
            hash.update(&chunk);
            size += chunk.len() as u64;
            writer.put(chunk);
        }
        writer.finish().await?;
        Ok(Stored {
            size,
            sha256: hex::encode(hash.finalize()),
        })
    }

    /// The content of `key`, as a stream.
    pub async fn get_stream(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let got = self.inner.get(&Self::key(key)?).await?;
        match got.payload {
            // A local file is read in large blocks (object_store's own stream reads 8 KiB at a
            // time, which caps copies and downloads well below the disk).
            object_store::GetResultPayload::File(file, _) if got.range.start == 0 => {
                let file = tokio::fs::File::from_std(file);
                let blocks = tokio_util::io::ReaderStream::with_capacity(file, READ_BLOCK);
                Ok(blocks.map_err(|e| BlobError::Store(e.to_string())).boxed())
            }
            payload => Ok(object_store::GetResult { payload, ..got }
                .into_stream()
                .map_err(BlobError::from)
                .boxed()),
        }
    }

    /// Bytes `start..end` of `key`, as a stream (a phone resuming a download, VNT-1).
    pub async fn get_range_stream(
        &self,
        key: &str,
        start: u64,
        end: u64,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        let opts = object_store::GetOptions {
            range: Some(object_store::GetRange::Bounded(start..end)),
            ..Default::default()
        };
        let got = self.inner.get_opts(&Self::key(key)?, opts).await?;
        Ok(got.into_stream().map_err(BlobError::from).boxed())
    }

    /// Move the blob `from` to `to` (a rename in a folder; a server-side copy and delete in a
    /// bucket): no byte passes through the hub.
    pub async fn rename(&self, from: &str, to: &str) -> Result<(), BlobError> {
        Ok(self
            .inner
            .rename(&Self::key(from)?, &Self::key(to)?)
            .await?)
    }

    /// Remove `key`; removing a missing blob is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), BlobError> {
        match self.inner.delete(&Self::key(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The keys under `prefix` with their sizes (for reconciling blobs with their rows).
    pub async fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, BlobError> {
        let prefix = Self::key(prefix)?;
        self.inner
            .list(Some(&prefix))
            .map_ok(|m| (m.location.to_string(), m.size))
            .try_collect()
            .await
            .map_err(BlobError::from)
    }

    /// The keys under `prefix` last written before `before` (seconds since the epoch).
    pub async fn list_older(&self, prefix: &str, before: i64) -> Result<Vec<String>, BlobError> {
        let prefix = Self::key(prefix)?;
        self.inner
            .list(Some(&prefix))
            .try_filter(|m| futures_util::future::ready(m.last_modified.timestamp() < before))
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .map_err(BlobError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "pb-blobs-{tag}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ))
    }

    fn chunks(
        n: usize,
        size: usize,
    ) -> impl futures_util::Stream<Item = Result<Bytes, String>> + Unpin {
        futures_util::stream::iter(
            (0..n).map(move |i| Ok(Bytes::from(vec![(i % 251) as u8; size]))),
        )
    }

    #[tokio::test]
    async fn bkp_2_blobs_stream_in_and_out_with_their_checksum() {
        let d = dir("rt");
        let b = Blobs::local(&d).unwrap_or_else(|e| panic!("{e}"));
        // 20 MiB in 64 KiB chunks: three parts.
        let stored = b
            .put_stream("backups/s1/a.tar.gz", chunks(320, 64 * 1024))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.size, 320 * 64 * 1024);
        let mut hash = Sha256::new();
        let mut got = 0u64;
        let mut s = b
            .get_stream("backups/s1/a.tar.gz")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        while let Some(chunk) = s.next().await {
            let chunk = chunk.unwrap_or_else(|e| panic!("{e}"));
            got += chunk.len() as u64;
            hash.update(&chunk);
        }
        assert_eq!(got, stored.size);
        assert_eq!(hex::encode(hash.finalize()), stored.sha256);
        assert_eq!(
            b.list("backups").await.unwrap_or_default(),
            vec![("backups/s1/a.tar.gz".to_string(), stored.size)]
        );
        b.delete("backups/s1/a.tar.gz")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        b.delete("backups/s1/a.tar.gz")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            b.get_stream("backups/s1/a.tar.gz").await,
            Err(BlobError::NotFound)
        ));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[tokio::test]
    async fn bkp_2_a_failing_source_leaves_no_blob() {
        let d = dir("fail");
        let b = Blobs::local(&d).unwrap_or_else(|e| panic!("{e}"));
        let source = futures_util::stream::iter(vec![
            Ok(Bytes::from(vec![1u8; PART_SIZE + 10])),
            Err("connection reset".to_string()),
        ]);
        let r = b.put_stream("logs/s1/x.log", source).await;
        assert!(matches!(r, Err(BlobError::Source(_))), "{r:?}");
        assert!(b.list("logs").await.unwrap_or_default().is_empty());
        assert!(matches!(
            b.get_stream("logs/s1/x.log").await,
            Err(BlobError::NotFound)
        ));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn bkp_2_blob_urls_name_a_bucket_or_a_folder_and_never_a_secret() {
        let err = |u: &str| {
            Blobs::from_url(u)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err("s3:///prefix").contains("no bucket"));
        let e = err("s3://key:secret@bucket");
        assert!(
            e.contains("AWS_ACCESS_KEY_ID") && !e.contains("secret@"),
            "{e}"
        );
        assert!(err("s3://bucket?colour=blue").contains("unknown option"));
        assert!(Blobs::from_url(
            "s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=eu-west-1"
        )
        .is_ok());
        let d = dir("url");
        assert!(Blobs::from_url(&format!("file://{}", d.display())).is_ok());
        assert!(d.is_dir());
        let _ = std::fs::remove_dir_all(&d);
    }
}
