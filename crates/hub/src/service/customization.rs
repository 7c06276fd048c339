//! Customization folders as Administrators manage them (CST-1…3, CST-6): the folder tree
//! (distributors, their resellers, the customers under both), each folder's files, uploads
//! checked before they are accepted, rename, delete, and several files as one zip.

use crate::auth::Caller;
use crate::error::AppError;
use crate::state::AppState;
use patchbay_domain::customization::{self as cst, Problem};
use patchbay_domain::{Capability, FieldError, Rule, Scope};
use patchbay_store::customization::{CustomFile, Folder, NewCustomFile};

/// A folder of the tree, with its sub-folders.
#[derive(Debug, Clone)]
pub struct Node {
    pub folder: Folder,
    pub name: String,
    pub files: i64,
    pub children: Vec<Node>,
}

/// What an upload became.
#[derive(Debug)]
pub struct Uploaded {
    pub file: CustomFile,
    pub warnings: Vec<Problem>,
}

/// A refused upload's problems as field errors (the field is where the problem is), so the API
/// answers with each one and the console can show them.
pub fn refusal(problems: &[Problem]) -> AppError {
    AppError::Validation(
        problems
            .iter()
            .filter(|p| p.error)
            .map(|p| {
                FieldError::new(
                    p.at.clone(),
                    Rule::Content {
                        code: p.code.to_string(),
                        value: p.value.clone(),
                    },
                )
            })
            .collect(),
    )
}

/// CST-1: the tree. Customers appear under their reseller (or their distributor); customers of
/// no provider under none. Each node says how many files its folder holds.
pub async fn tree(state: &AppState, caller: &Caller) -> Result<Vec<Node>, AppError> {
    caller.require(Capability::ManageCustomizationFiles)?;
    let counts = state.store.folder_counts().await?;
    let count = |f: Folder| counts.get(&f.key()).copied().unwrap_or(0);
    let distributors = state.store.distributors(Scope::All).await?;
    let resellers = state.store.resellers(Scope::All, None).await?;
    let customers = state.store.customer_folders().await?;
    let customer_nodes = |pred: &dyn Fn(&patchbay_store::customization::CustomerFolder) -> bool| {
        customers
            .iter()
            .filter(|c| pred(c))
            .map(|c| {
                let f = Folder::Customer(c.id.0);
                Node {
                    folder: f,
                    name: c.label(),
                    files: count(f),
                    children: Vec::new(),
                }
            })
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    for d in &distributors {
        let f = Folder::Distributor(d.id.0);
        let mut children: Vec<Node> = resellers
            .iter()
            .filter(|r| r.distributor_id == d.id)
            .map(|r| {
                let rf = Folder::Reseller(r.id.0);
                Node {
                    folder: rf,
                    name: r.name.clone(),
                    files: count(rf),
                    children: customer_nodes(&|c| c.reseller_id == Some(r.id)),
                }
            })
            .collect();
        children.extend(customer_nodes(&|c| {
            c.distributor_id == Some(d.id) && c.reseller_id.is_none()
        }));
        out.push(Node {
            folder: f,
            name: d.name.clone(),
            files: count(f),
            children,
        });
    }
    out.extend(customer_nodes(&|c| c.distributor_id.is_none()));
    Ok(out)
}

/// The folder, when it exists (not found otherwise).
async fn folder(state: &AppState, caller: &Caller, key: &str) -> Result<Folder, AppError> {
    caller.require(Capability::ManageCustomizationFiles)?;
    let f = Folder::parse(key).ok_or(AppError::NotFound)?;
    if !state.store.folder_exists(f).await? {
        return Err(AppError::NotFound);
    }
    Ok(f)
}

/// The folder's name as the tree shows it.
pub async fn folder_name(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<(Folder, String), AppError> {
    let f = folder(state, caller, key).await?;
    Ok((f, state.store.folder_name(f).await?))
}

pub async fn files(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<Vec<CustomFile>, AppError> {
    let f = folder(state, caller, key).await?;
    Ok(state.store.folder_files(f).await?)
}

fn check_name(name: &str, field: &'static str) -> Result<(), AppError> {
    if cst::valid_name(name) {
        Ok(())
    } else {
        Err(AppError::field(field, Rule::Invalid))
    }
}

/// CST-2, CST-6: store `bytes` as `name` in the folder once the check accepts it (a file of the
/// same name is replaced). Refused: every problem, each as a field error.
pub async fn upload(
    state: &AppState,
    caller: &Caller,
    key: &str,
    name: &str,
    bytes: bytes::Bytes,
) -> Result<Uploaded, AppError> {
    let f = folder(state, caller, key).await?;
    let name = name.trim();
    check_name(name, "name")?;
    if bytes.len() as u64 > cst::MAX_FILE {
        return Err(AppError::FileTooLarge {
            max_bytes: cst::MAX_FILE,
        });
    }
    let (n, b) = (name.to_string(), bytes.clone());
    let checked = tokio::task::spawn_blocking(move || cst::check(&n, &b))
        .await
        .map_err(|e| AppError::Internal(format!("check: {e}")))?;
    if !checked.accepted() {
        return Err(refusal(&checked.problems));
    }
    let warnings: Vec<Problem> = checked.warnings().into_iter().cloned().collect();
    let id = uuid::Uuid::now_v7().to_string();
    let blob_key = format!("customization/{}/{}/{id}", f.kind(), f.id());
    let size = bytes.len() as i64;
    let source = futures_util::stream::iter([Ok::<_, String>(bytes)]);
    let stored = state
        .blobs
        .put_stream(&blob_key, source)
        .await
        .map_err(|e| AppError::Internal(format!("blob store: {e}")))?;
    let warnings_json = serde_json::to_string(&warnings).unwrap_or_else(|_| "[]".into());
    let put = state
        .store
        .put_custom_file(
            &caller.meta(),
            &NewCustomFile {
                id: &id,
                folder: f,
                name,
                size,
                sha256: &stored.sha256,
                blob_key: &blob_key,
                warnings: &warnings_json,
            },
        )
        .await;
    let replaced = match put {
        Ok(r) => r,
        Err(e) => {
            let _ = state.blobs.delete(&blob_key).await;
            return Err(e.into());
        }
    };
    // The replaced file's blob stays until the blob sweep (a day on): a refresh that was given it
    // a moment ago still downloads it.
    if let Some(old) = replaced {
        tracing::debug!(blob = %old, "replaced customization file left for the sweep");
    }
    let file = state
        .store
        .custom_files(f, std::slice::from_ref(&id))
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    Ok(Uploaded { file, warnings })
}

/// CST-3: rename (without touching what systems already have; a non-standard name stops its use).
pub async fn rename(
    state: &AppState,
    caller: &Caller,
    key: &str,
    id: &str,
    name: &str,
) -> Result<(), AppError> {
    let f = folder(state, caller, key).await?;
    let name = name.trim();
    check_name(name, "name")?;
    Ok(state
        .store
        .rename_custom_file(&caller.meta(), f, id, name)
        .await?)
}

/// CST-3: delete selected files (not those already on systems).
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    key: &str,
    ids: &[String],
) -> Result<(), AppError> {
    let f = folder(state, caller, key).await?;
    crate::service::check_bulk_field("fileIds", ids.len())?;
    if ids.is_empty() {
        return Err(AppError::field("fileIds", Rule::Required));
    }
    let keys = state
        .store
        .delete_custom_files(&caller.meta(), f, ids)
        .await?;
    for k in keys {
        if let Err(e) = state.blobs.delete(&k).await {
            tracing::warn!(error = %e, "cannot remove a deleted customization file");
        }
    }
    Ok(())
}

/// The selected files for a zip download (all or none).
pub async fn selected(
    state: &AppState,
    caller: &Caller,
    key: &str,
    ids: &[String],
) -> Result<Vec<CustomFile>, AppError> {
    let f = folder(state, caller, key).await?;
    crate::service::check_bulk_field("fileIds", ids.len())?;
    if ids.is_empty() {
        return Err(AppError::field("fileIds", Rule::Required));
    }
    Ok(state.store.custom_files(f, ids).await?)
}

/// The chosen files as one zip, each under the folder's name.
pub fn zip(
    state: &AppState,
    folder: &str,
    files: Vec<CustomFile>,
) -> crate::http::api::ZipDownload {
    let entries = files
        .into_iter()
        .map(|f| crate::service::zip::Entry {
            // Names were checked on upload and rename: plain, no separators.
            name: f.name,
            blob_key: f.blob_key,
            modified: f.uploaded_at,
        })
        .collect();
    let safe: String = folder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::http::api::ZipDownload {
        file_name: format!("customization-{safe}.zip"),
        body: axum::body::Body::from_stream(crate::service::zip::stream(
            state.blobs.clone(),
            entries,
        )),
    }
}

/// The action id under which a system applies its `CustomData.xml` (CST-2).
const CUSTOM_DATA_ACTION: &str = "customdata:";

/// Read a whole blob of at most `max` bytes (a customization file: 10 MB at most).
async fn read_blob(state: &AppState, key: &str, max: u64) -> Result<Vec<u8>, AppError> {
    use futures_util::TryStreamExt;
    let mut stream = state
        .blobs
        .get_stream(key)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let mut out = Vec::new();
    while let Some(chunk) = stream
        .try_next()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
    {
        if (out.len() + chunk.len()) as u64 > max {
            return Err(AppError::Internal(format!(
                "blob {key} is larger than {max} bytes"
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// CST-2, CST-5: at a system's first connection, the `CustomData.xml` that applies to it (its
/// own folder's, else its reseller's, else its distributor's) is sent to be applied; with none,
/// the first connection is seen through at once. A system whose first connection is behind it
/// gets nothing (also not when the folders change later, nor on a refresh).
pub async fn first_connection(
    state: &AppState,
    customer: patchbay_domain::CustomerId,
    connection: &patchbay_store::systems::Connection,
) -> Result<(), AppError> {
    let system = connection.id;
    if !state
        .store
        .custom_data_due(
            system,
            connection.custom_data_at,
            connection.created_at,
            cst::CUSTOM_DATA_WINDOW,
        )
        .await?
    {
        return Ok(());
    }
    let files = state
        .store
        .layered_files(customer, &[cst::CUSTOM_DATA])
        .await?;
    let Some(file) = files.last() else {
        state.store.custom_data_done(system).await?;
        return Ok(());
    };
    let bytes = read_blob(state, &file.blob_key, cst::MAX_FILE).await?;
    let settings = cst::custom_data_settings(&bytes).map_err(|p| {
        AppError::Internal(format!(
            "the stored {} does not parse: {}",
            cst::CUSTOM_DATA,
            p.iter()
                .map(Problem::english)
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let action = patchbay_proto::Action {
        action_id: format!("{CUSTOM_DATA_ACTION}{system}"),
        op: patchbay_proto::Op::ApplyCustomData {
            settings: settings
                .into_iter()
                .map(|(name, on)| patchbay_proto::CustomSetting {
                    name: name.into(),
                    on,
                })
                .collect(),
            xml: String::from_utf8_lossy(&bytes).into_owned(),
        },
    };
    tracing::info!(system = %system, file = %file.id, "first connection: CustomData.xml sent");
    if !state
        .agents
        .send(system, patchbay_proto::Message::Action(action))
    {
        tracing::warn!(system = %system, "the system left before its CustomData.xml was sent");
    }
    Ok(())
}

/// The result of an action about `CustomData.xml`, if `r` is one: once the system says it
/// applied it, its first connection is seen through. `None`: not such a result.
pub async fn custom_data_result(
    state: &AppState,
    system: patchbay_domain::SystemId,
    r: &patchbay_proto::ActionResult,
) -> Option<Result<(), AppError>> {
    let of = r.action_id.strip_prefix(CUSTOM_DATA_ACTION)?;
    if of != system.to_string() {
        tracing::warn!(system = %system, action = %r.action_id, "CustomData.xml result of another system");
        return Some(Ok(()));
    }
    if r.status != "completed" {
        tracing::warn!(system = %system, reason = %r.reason, "the system did not apply its CustomData.xml; it is sent again at its next connection");
        return Some(Ok(()));
    }
    Some(
        state
            .store
            .custom_data_done(system)
            .await
            .map(|first| {
                if first {
                    tracing::info!(system = %system, "CustomData.xml applied");
                }
            })
            .map_err(AppError::from),
    )
}
