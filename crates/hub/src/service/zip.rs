//! Several blobs as one zip archive, written as it is sent: the hub holds a part of one blob at
//! a time (log files LOG-3, customization files CST-3).

use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};
use patchbay_store::blobs::Blobs;

/// One file of the archive: its name inside (already made safe by the caller), its blob, its date.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub blob_key: String,
    pub modified: jiff::Timestamp,
}

/// The archive of `entries`, streamed. A blob that cannot be read ends the stream early: the
/// client gets a truncated archive, never a whole one with a file missing.
pub fn stream(
    blobs: Blobs,
    entries: Vec<Entry>,
) -> impl Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    let (reader, writer) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        if let Err(e) = write(blobs, entries, writer).await {
            tracing::warn!(error = %e, "archive broke off");
        }
    });
    tokio_util::io::ReaderStream::new(reader)
}

async fn write(
    blobs: Blobs,
    entries: Vec<Entry>,
    out: tokio::io::DuplexStream,
) -> Result<(), String> {
    use async_zip::base::write::ZipFileWriter;
    use async_zip::{Compression, ZipEntryBuilder};
    use futures_util::io::AsyncWriteExt;
    let mut zip = ZipFileWriter::with_tokio(out);
    for e in entries {
        let entry = ZipEntryBuilder::new(e.name.into(), Compression::Deflate)
            .last_modification_date(zip_date(e.modified));
        let mut w = zip
            .write_entry_stream(entry)
            .await
            .map_err(|e| e.to_string())?;
        let mut body = blobs
            .get_stream(&e.blob_key)
            .await
            .map_err(|e| e.to_string())?;
        while let Some(chunk) = body.try_next().await.map_err(|e| e.to_string())? {
            w.write_all(&chunk).await.map_err(|e| e.to_string())?;
        }
        w.close().await.map_err(|e| e.to_string())?;
    }
    zip.close().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// A zip entry's date (its MS-DOS form: local fields, two-second steps), in UTC.
fn zip_date(t: jiff::Timestamp) -> async_zip::ZipDateTime {
    let d = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    async_zip::ZipDateTimeBuilder::new()
        .year(i32::from(d.year()))
        .month(u32::try_from(d.month()).unwrap_or(1))
        .day(u32::try_from(d.day()).unwrap_or(1))
        .hour(u32::try_from(d.hour()).unwrap_or(0))
        .minute(u32::try_from(d.minute()).unwrap_or(0))
        .second(u32::try_from(d.second()).unwrap_or(0))
        .build()
}
