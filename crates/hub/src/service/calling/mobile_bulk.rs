//! WGO-4: mobile lines in bulk from a CSV file, for the API and the console alike.
//!
//! An upload is spooled to the data dir and read once to its end before anything is queued: a
//! header the hub cannot map, a file that is not UTF-8 CSV or one over [`MAX_ROWS`] rows is
//! refused at once, as a whole. A readable file goes to the blob store and becomes an import that
//! any hub node may claim; the node reads it a chunk at a time (memory does not grow with the
//! file) and makes each row's line through the same prerequisites and statements as a single
//! line. A refused row gets every reason, in the column at fault. A chunk of rows is one
//! transaction — each line a savepoint in it, so a refused line leaves nothing — holding every
//! row's outcome with the lines, so an import interrupted by a stop goes on after the last row
//! with an outcome and no row is applied twice.

use super::mobile::{make_line, subscription_units, LineKit, LineRequest, MobileChoice};
use crate::auth::Caller;
use crate::error::AppError;
use crate::service::scratch::{io, spool, Scratch};
use crate::state::AppState;
use bytes::Bytes;
use futures_util::Stream;
use patchbay_domain::mobile_bulk::{
    check_against, parse_header, parse_row, subscription_of, template_header, user_name_of,
    BulkRow, HeaderProblem, ImportStatus, PersonFacts, RowReason, MAC_ADDRESS, MAX_ROWS,
    PHONE_NUMBER, USER_NAME,
};
use patchbay_domain::{CustomerId, LocationId, MobileImportId, Rule};
use patchbay_store::calling::locations::Location;
use patchbay_store::calling::mobile_imports::{MobileImport, NewImport};
use patchbay_store::calling::people::Person;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest file accepted (a full [`MAX_ROWS`] file of long addresses fits).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Rows read, looked up and recorded together, in one transaction.
const CHUNK: usize = 200;
/// A node that has not renewed its claim for this long has stopped: another takes over.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// How often a node looks for imports nobody is working on (new ones wake it at once).
const POLL: Duration = Duration::from_secs(5);

/// The field a file's problems are reported on.
pub const FILE_FIELD: &str = "file";

fn file_problem(rule: Rule) -> AppError {
    AppError::field(FILE_FIELD, rule)
}

fn unreadable(e: &csv::Error) -> AppError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    file_problem(Rule::Content {
        code: "csv-unreadable".into(),
        value: line.to_string(),
    })
}

/// A row of commas (a spreadsheet's empty line) is no row.
fn blank(rec: &csv::StringRecord) -> bool {
    rec.iter().all(|c| c.trim().is_empty())
}

/// The CSV template: the header, with one column per mobile subscription of the customer.
pub async fn template(state: &AppState, customer: CustomerId) -> Result<String, AppError> {
    let subs: Vec<String> = state
        .store
        .mobile_subscriptions(customer)
        .await?
        .into_iter()
        .map(|s| s.subscription_id)
        .collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(template_header(&subs)).map_err(io)?;
    let bytes = w.into_inner().map_err(io)?;
    String::from_utf8(bytes).map_err(io)
}

/// Read the whole file: its header maps onto the template (with `known` subscriptions), every
/// record is UTF-8 CSV, and it has 1 to [`MAX_ROWS`] rows. Returns the number of rows.
fn check_file(path: &Path, known: &[String]) -> Result<i64, AppError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(io)?;
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => return Err(file_problem(HeaderProblem::Empty.rule())),
        Err(e) => return Err(unreadable(&e)),
    }
    parse_header(&rec.iter().collect::<Vec<_>>(), known).map_err(|p| file_problem(p.rule()))?;
    let mut rows = 0u64;
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) if blank(&rec) => {}
            Ok(true) => {
                rows += 1;
                if rows > MAX_ROWS {
                    return Err(file_problem(Rule::TooMany {
                        max: MAX_ROWS as usize,
                    }));
                }
            }
            Ok(false) => break,
            Err(e) => return Err(unreadable(&e)),
        }
    }
    if rows == 0 {
        return Err(file_problem(Rule::Content {
            code: "csv-no-rows".into(),
            value: String::new(),
        }));
    }
    Ok(rows as i64)
}

/// What an upload asked for beyond its file.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub file_name: String,
    /// "E-mail activation codes": each person gets theirs (when the organisation does not
    /// suppress e-mail and a relay is configured); otherwise the codes are in the result file.
    pub email_codes: bool,
    /// The language of the mails.
    pub lang: String,
}

/// A file's name as the list shows it: no control characters, at most 200 characters.
fn file_name(raw: &str) -> String {
    let clean: String = raw.chars().filter(|c| !c.is_control()).take(200).collect();
    match clean.trim() {
        "" => "mobile-lines.csv".to_string(),
        t => t.to_string(),
    }
}

/// WGO-4: take a CSV file for `customer` (authorised by the caller), check it as a whole and
/// queue it. Returns the import.
pub async fn upload<S, E>(
    state: &AppState,
    caller: &Caller,
    customer: CustomerId,
    body: S,
    options: ImportOptions,
) -> Result<MobileImportId, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin,
    E: std::fmt::Display,
{
    let scratch = Scratch::new(state, "mobile-import")?;
    let path = scratch.0.join("upload.csv");
    if spool(body, &path, MAX_FILE_BYTES).await? == 0 {
        return Err(file_problem(Rule::Required));
    }
    let known: Vec<String> = subscription_units(state, customer)
        .await?
        .into_iter()
        .map(|s| s.subscription_id)
        .collect();
    let checked = path.clone();
    let rows = crate::service::blocking(move || check_file(&checked, &known)).await??;
    let id = MobileImportId::new();
    let key = format!("mobile-imports/{id}.csv");
    let file = tokio::fs::File::open(&path).await.map_err(io)?;
    state
        .blobs
        .put_stream(&key, tokio_util::io::ReaderStream::new(file))
        .await
        .map_err(io)?;
    // What happens, not only what was asked: without a relay, or when the organisation
    // suppresses e-mail, the codes go into the result file (and the import says so).
    let email_codes = options.email_codes && super::mobile::mails(state, customer).await?;
    let new = NewImport {
        id,
        file_name: file_name(&options.file_name),
        blob_key: key.clone(),
        total_rows: rows,
        email_codes,
        lang: options.lang,
    };
    if let Err(e) = state
        .store
        .create_mobile_import(&caller.meta(), customer, &new)
        .await
    {
        let _ = state.blobs.delete(&key).await;
        return Err(e.into());
    }
    state.imports_wake.notify_one();
    Ok(id)
}

/// An import of `customer`; another customer's is not found.
pub async fn find(
    state: &AppState,
    customer: CustomerId,
    id: MobileImportId,
) -> Result<MobileImport, AppError> {
    Ok(state.store.mobile_import(Some(customer), id).await?)
}

/// Work through imports on this node: the oldest waiting one, or one whose node stopped.
pub fn spawn_runner(state: AppState) {
    tokio::spawn(async move {
        loop {
            let stale = patchbay_store::now_ms() - STALE_AFTER.as_millis() as i64;
            match state
                .store
                .claim_mobile_import(&state.agents.node_id, stale)
                .await
            {
                Ok(Some(import)) => {
                    run(&state, import).await;
                    continue;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "claiming a mobile-line import failed"),
            }
            tokio::select! {
                _ = state.imports_wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

/// Why an import stopped before its end.
enum Stopped {
    /// Its file cannot be read: it fails for good (the rows before keep their outcome).
    Unreadable(String),
    /// Anything else (the database for a moment …): it stays claimed and, once the claim is
    /// stale, is taken over where it stopped.
    Interrupted(AppError),
}

impl From<AppError> for Stopped {
    fn from(e: AppError) -> Self {
        Stopped::Interrupted(e)
    }
}

impl From<patchbay_store::StoreError> for Stopped {
    fn from(e: patchbay_store::StoreError) -> Self {
        Stopped::Interrupted(e.into())
    }
}

async fn run(state: &AppState, import: MobileImport) {
    let node = state.agents.node_id.clone();
    let (status, error) = match work(state, &import).await {
        Ok(true) => (ImportStatus::Done, String::new()),
        // Another node took it over (it finishes it), or the import is gone with its customer.
        Ok(false) => {
            if let Err(patchbay_store::StoreError::NotFound) =
                state.store.mobile_import(None, import.id).await
            {
                let _ = state.blobs.delete(&import.blob_key).await;
            }
            return;
        }
        Err(Stopped::Interrupted(e)) => {
            tracing::warn!(import = %import.id, error = %e, "a mobile-line import was interrupted; it goes on once its claim is stale");
            return;
        }
        Err(Stopped::Unreadable(e)) => {
            tracing::warn!(import = %import.id, error = %e, "a mobile-line import's file cannot be read");
            (ImportStatus::Failed, "bulk-error-stopped".to_string())
        }
    };
    match state
        .store
        .finish_mobile_import(import.id, &node, status, &error)
        .await
    {
        Ok(true) => {
            if let Err(e) = state.blobs.delete(&import.blob_key).await {
                tracing::warn!(error = %e, "removing an import's file failed");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(import = %import.id, error = %e, "finishing an import failed"),
    }
}

/// Remove the files of imports that are gone (their customer deleted before they ran).
pub async fn sweep_files(state: &AppState) {
    let before = patchbay_store::now_ms() - 3_600_000;
    let keys = match state.blobs.list_older("mobile-imports/", before).await {
        Ok(k) => k,
        Err(e) => {
            tracing::warn!(error = %e, "listing bulk import files failed");
            return;
        }
    };
    for key in keys {
        let id = key
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".csv"))
            .and_then(|n| n.parse().ok())
            .map(MobileImportId);
        let gone = match id {
            Some(id) => matches!(
                state.store.mobile_import(None, id).await,
                Err(patchbay_store::StoreError::NotFound)
            ),
            None => false,
        };
        if gone {
            let _ = state.blobs.delete(&key).await;
        }
    }
}

/// A chunk of rows as read: (row number — the line in the file —, user name as written, what the
/// row asks for or why it cannot be read).
type Chunk = Vec<(i64, String, Result<BulkRow, Vec<RowReason>>)>;

/// Read the file from after row `after`, a chunk at a time, into `tx` (bounded: the reader waits
/// for the rows to be worked through).
fn read_chunks(path: PathBuf, after: i64, tx: tokio::sync::mpsc::Sender<Result<Chunk, String>>) {
    let send = |c: Result<Chunk, String>| tx.blocking_send(c).is_ok();
    let mut rdr = match csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&path)
    {
        Ok(r) => r,
        Err(e) => {
            send(Err(e.to_string()));
            return;
        }
    };
    let mut rec = csv::StringRecord::new();
    let header = match rdr.read_record(&mut rec) {
        Ok(true) => {
            // The subscriptions the file names were the customer's when it was accepted; a
            // row naming one gone since is refused on its own.
            let cells: Vec<&str> = rec.iter().collect();
            let named: Vec<String> = cells
                .iter()
                .filter_map(|c| subscription_of(c).map(str::to_string))
                .collect();
            match parse_header(&cells, &named) {
                Ok(h) => h,
                Err(p) => {
                    send(Err(format!("{p:?}")));
                    return;
                }
            }
        }
        Ok(false) => {
            send(Err("empty".into()));
            return;
        }
        Err(e) => {
            send(Err(e.to_string()));
            return;
        }
    };
    let mut chunk: Chunk = Vec::with_capacity(CHUNK);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map(|p| p.line() as i64).unwrap_or(0);
                if line <= after || blank(&rec) {
                    continue;
                }
                let cells: Vec<&str> = rec.iter().collect();
                chunk.push((
                    line,
                    user_name_of(&header, &cells),
                    parse_row(&header, &cells),
                ));
                if chunk.len() == CHUNK && !send(Ok(std::mem::take(&mut chunk))) {
                    return;
                }
            }
            Ok(false) => break,
            Err(e) => {
                send(Err(e.to_string()));
                return;
            }
        }
    }
    if !chunk.is_empty() {
        send(Ok(chunk));
    }
}

/// Work through the import from where it stopped. `false`: another node took it over.
async fn work(state: &AppState, import: &MobileImport) -> Result<bool, Stopped> {
    let node = state.agents.node_id.clone();
    let scratch = Scratch::new(state, "mobile-import")?;
    let path = scratch.0.join("import.csv");
    let source = match state.blobs.get_stream(&import.blob_key).await {
        Ok(s) => s,
        Err(patchbay_store::blobs::BlobError::NotFound) => {
            return Err(Stopped::Unreadable("the file is gone".into()))
        }
        Err(e) => return Err(Stopped::Interrupted(io(e))),
    };
    spool(source, &path, u64::MAX).await?;
    let after = state.store.mobile_import_progress(import.id).await?;
    let kit = LineKit::of(state, import.customer_id, import.email_codes).await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let reader = tokio::task::spawn_blocking(move || read_chunks(path, after, tx));
    let mut batch = Batch {
        state,
        import,
        kit: &kit,
        locations: HashMap::new(),
    };
    let mut outcome = Ok(true);
    while let Some(chunk) = rx.recv().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                outcome = Err(Stopped::Unreadable(e));
                break;
            }
        };
        match state.store.renew_mobile_import(import.id, &node).await {
            Ok(true) => {}
            Ok(false) => {
                outcome = Ok(false);
                break;
            }
            Err(e) => {
                outcome = Err(e.into());
                break;
            }
        }
        if let Err(e) = batch.rows(chunk).await {
            outcome = Err(Stopped::Interrupted(e));
            break;
        }
    }
    // The reader stops at its next send once the receiver is gone.
    drop(rx);
    let _ = reader.await;
    outcome
}

/// What an import's rows share while it is worked through.
struct Batch<'a> {
    state: &'a AppState,
    import: &'a MobileImport,
    kit: &'a LineKit,
    /// The people's locations, read once each.
    locations: HashMap<uuid::Uuid, Location>,
}

impl Batch<'_> {
    async fn location(&mut self, id: Option<uuid::Uuid>) -> Result<Option<Location>, AppError> {
        let Some(id) = id else { return Ok(None) };
        if let Some(l) = self.locations.get(&id) {
            return Ok(Some(l.clone()));
        }
        let l = self.state.store.location(LocationId(id)).await?;
        self.locations.insert(id, l.clone());
        Ok(Some(l))
    }

    /// One chunk: its people in one query, each row's line in a savepoint of the chunk's
    /// transaction.
    async fn rows(&mut self, chunk: Chunk) -> Result<(), AppError> {
        let state = self.state;
        let import = self.import;
        let emails: Vec<String> = chunk
            .iter()
            .filter_map(|(_, _, r)| r.as_ref().ok().map(|r| r.user_name.clone()))
            .collect();
        let mut people: HashMap<String, Person> = state
            .store
            .people_by_emails(import.customer_id, &emails)
            .await?
            .into_iter()
            .map(|p| (p.fields.email.to_lowercase(), p))
            .collect();
        let mut subscriptions = subscription_units(state, import.customer_id).await?;
        // The chunk is one transaction, each line a savepoint in it: its lines and every
        // outcome land together, or none of them (then the chunk is done again).
        let batch = tokio::sync::Mutex::new(state.store.mobile_batch().await?);
        let mut refused: Vec<(i64, String, Vec<RowReason>)> = Vec::new();
        for (row_no, user, parsed) in chunk {
            let row = match parsed {
                Ok(r) => r,
                Err(why) => {
                    refused.push((row_no, user, why));
                    continue;
                }
            };
            let Some(person) = people.get(&row.user_name) else {
                refused.push((
                    row_no,
                    user,
                    vec![RowReason::message(USER_NAME, "bulk-reason-unknown-user")],
                ));
                continue;
            };
            let why = check_against(
                &row,
                &PersonFacts {
                    extension: person.fields.identity.extension.as_deref(),
                    phone_number: person.fields.identity.phone_number.as_deref(),
                    location: person.location_name.as_deref(),
                },
            );
            if !why.is_empty() {
                refused.push((row_no, user, why));
                continue;
            }
            let location = self.location(person.fields.identity.location_id).await?;
            let has_number = person.fields.identity.phone_number.is_some();
            let choice = MobileChoice {
                subscription_id: Some(row.subscription_id.clone()),
                phone_number: if has_number {
                    None
                } else {
                    row.phone_number.clone()
                },
            };
            let req = LineRequest {
                person,
                location: location.as_ref(),
                subscriptions: &subscriptions,
                choice: &choice,
                lang: &import.lang,
                import_row: Some((import.id, row_no, &user)),
                batch: Some(&batch),
            };
            match make_line(state, self.kit, &import.actor, &req).await {
                Ok(_) => {
                    if let Some(s) = subscriptions
                        .iter_mut()
                        .find(|s| s.subscription_id == row.subscription_id)
                    {
                        s.free -= 1;
                    }
                    // A second row for the same person meets the number they now have.
                    if let (false, Some(p)) = (has_number, people.get_mut(&row.user_name)) {
                        p.fields.identity.phone_number = choice.phone_number.clone();
                    }
                }
                // Another node recorded this row first (it took the import over).
                Err(AppError::Validation(f)) if f.iter().any(|f| f.field == "row") => {}
                Err(e) => refused.push((row_no, user, reasons_of(e))),
            }
        }
        let mut batch = batch.into_inner();
        batch.record_failures(import.id, &refused).await?;
        batch.commit().await?;
        Ok(())
    }
}

/// A line's refusal as the row's reasons, in the file's columns.
fn reasons_of(e: AppError) -> Vec<RowReason> {
    match e {
        AppError::Validation(fields) => fields
            .iter()
            .map(|f| match (f.field.as_ref(), &f.rule) {
                ("personId", Rule::Taken) => RowReason::message(USER_NAME, "bulk-reason-has-line"),
                (field, rule) => RowReason::rule(
                    match field {
                        "personId" => USER_NAME,
                        "phoneNumber" | "phoneNumbers" => PHONE_NUMBER,
                        "mac" => MAC_ADDRESS,
                        _ => "",
                    },
                    rule,
                ),
            })
            .collect(),
        AppError::Conflict(id, _) => vec![RowReason::message("", id)],
        AppError::NotFound => vec![RowReason::message("", "bulk-reason-gone")],
        other => {
            tracing::warn!(error = %other, "a mobile-line import row failed");
            vec![RowReason::message("", "bulk-reason-failed")]
        }
    }
}

/// A row's reasons in `lang`: "<column>: <why>", joined.
pub fn reasons_text(i18n: &crate::i18n::I18n, lang: &str, reasons: &[RowReason]) -> String {
    reasons
        .iter()
        .map(|r| {
            let args: Vec<(&str, String)> = r
                .args
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            let text = i18n.t_args(lang, &r.message, &args);
            if r.column.is_empty() {
                text
            } else {
                format!("{}: {text}", r.column)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Rows of the result file per page read from the store.
const RESULT_PAGE: i64 = 2000;

/// WGO-4: the result file, one row per row of the import with its outcome and reasons (and the
/// activation code of each line whose code was not e-mailed), written as it is read — a page of
/// outcomes at a time. The caller has authorised the import's customer.
pub fn results_csv(
    state: &AppState,
    import: &MobileImport,
    lang: &str,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let state = state.clone();
    let id = import.id;
    let lang = lang.to_string();
    let header = [
        "bulk-result-line",
        "bulk-result-user",
        "bulk-result-outcome",
        "bulk-result-reason",
        "bulk-result-code",
    ]
    .map(|k| state.i18n.t(&lang, k));
    futures_util::stream::try_unfold(Some(0i64), move |after| {
        let state = state.clone();
        let lang = lang.clone();
        let header = header.clone();
        async move {
            let Some(after) = after else { return Ok(None) };
            let rows = state
                .store
                .mobile_import_rows(id, after, RESULT_PAGE, false)
                .await
                .map_err(std::io::Error::other)?;
            let mut w = csv::Writer::from_writer(Vec::new());
            if after == 0 {
                w.write_record(&header).map_err(std::io::Error::other)?;
            }
            let (added, refused) = (
                state.i18n.t(&lang, "bulk-outcome-added"),
                state.i18n.t(&lang, "bulk-outcome-refused"),
            );
            for r in &rows {
                let code = r
                    .code_sealed
                    .as_deref()
                    .and_then(|c| state.secrets.open(c).ok())
                    .map(|c| super::mobile::grouped(&c))
                    .unwrap_or_default();
                w.write_record([
                    r.row_no.to_string().as_str(),
                    r.user_name.as_str(),
                    if r.ok {
                        added.as_str()
                    } else {
                        refused.as_str()
                    },
                    reasons_text(&state.i18n, &lang, &r.reasons).as_str(),
                    code.as_str(),
                ])
                .map_err(std::io::Error::other)?;
            }
            let next = (rows.len() as i64 == RESULT_PAGE)
                .then(|| rows.last().map(|r| r.row_no))
                .flatten();
            let bytes = w
                .into_inner()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            Ok(Some((Bytes::from(bytes), next)))
        }
    })
}

/// The result file of `import` for the caller (who may see its customer), in `lang`; each
/// download is audited, for it may hold activation codes.
pub async fn results(
    state: &AppState,
    caller: &Caller,
    import: &MobileImport,
    lang: &str,
) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, AppError> {
    let entry = patchbay_store::audit::AuditEntry {
        action: "mobile-import.results",
        target_type: "customer",
        target_id: import.customer_id.to_string(),
        target_name: import.file_name.clone(),
        outcome: "success",
        detail: format!("import={}", import.id),
    };
    state.store.audit(&caller.meta(), entry).await?;
    Ok(results_csv(state, import, lang))
}
