//! A real hub, in-process, on an ephemeral port with a temporary data dir; SQLite by default, a
//! fresh PostgreSQL database when PATCHBAY_TEST_DATABASE_URL is set.

#![allow(dead_code)]

use patchbay_domain::account::AccountFields;
use patchbay_domain::{CustomerId, Role};
use patchbay_hub::config::Config;
use patchbay_hub::Running;
use patchbay_store::{AuditMeta, NewAccount, Store};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

pub const PASSWORD: &str = "Correct#Horse42";

pub struct TestHub {
    pub running: Running,
    pub base: String,
    pub dir: PathBuf,
    pub cert_pem: Vec<u8>,
    pub admin_token: String,
    pub admin_password: String,
    /// Log levels the hub was asked to switch to (PRF-7).
    pub log_levels: Arc<std::sync::Mutex<Vec<patchbay_domain::preferences::LogLevel>>>,
    pub database_url: String,
    pg_database: Option<(String, String)>,
}

/// The database a test hub uses: SQLite in `dir`, or a fresh PostgreSQL database (returned with
/// the server URL and its name, to drop it afterwards).
/// `PATCHBAY_TEST_BLOB_URL=s3://BUCKET?endpoint=…` keeps every test hub's blobs in that
/// S3-compatible bucket, under a prefix of its own (CI runs the file tests so); unset: the data
/// dir, as a user's first start does.
pub fn test_blob_url(dir: &std::path::Path) -> Option<String> {
    let url = std::env::var("PATCHBAY_TEST_BLOB_URL").ok()?;
    // Short: some S3-compatible servers keep a key's metadata in a file named after it.
    let name = dir.file_name()?.to_string_lossy().to_string();
    let name = format!("t{}", &name[name.len().saturating_sub(12)..]);
    let (base, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let base = base.trim_end_matches('/');
    Some(if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    })
}

pub async fn database_url(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match std::env::var("PATCHBAY_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let name = format!("pb_hub_{}", uuid::Uuid::new_v4().simple());
            let admin = Store::connect(&url).await.unwrap_or_else(|e| panic!("{e}"));
            admin
                .exec_admin(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            admin.close().await;
            let base = url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(url.clone());
            (format!("{base}/{name}"), Some((url, name)))
        }
        _ => (patchbay_hub::config::sqlite_url(dir), None),
    }
}

impl TestHub {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Start with a changed configuration (SMTP relay, public address …).
    pub async fn start_with(edit: impl FnOnce(&mut Config)) -> Self {
        let dir = std::env::temp_dir().join(format!("patchbay-test-{}", uuid::Uuid::new_v4()));
        let (database_url, pg_database) = database_url(&dir).await;
        let mut config = Config::new(
            dir.clone(),
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
            database_url.clone(),
        );
        config.blob_url = test_blob_url(&dir);
        // Automatic backups and log collections by the clock would add jobs to whatever a test
        // does at that hour; tests drive them with an injected clock instead.
        config.automatic_jobs = false;
        edit(&mut config);
        let log_levels = Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorder = log_levels.clone();
        let control = Arc::new(move |l| {
            if let Ok(mut v) = recorder.lock() {
                v.push(l);
            }
        });
        let prepared = patchbay_hub::prepare(config, control)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let (_, admin_password) = prepared
            .first_admin
            .clone()
            .unwrap_or_else(|| panic!("first admin"));
        let running = patchbay_hub::start(prepared.state)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let base = format!("https://localhost:{}", running.addr.port());
        let cert_pem =
            std::fs::read(dir.join("identity.crt.pem")).unwrap_or_else(|e| panic!("{e}"));
        let admin_token = patchbay_hub::admin::create_token(&running.state.store, "admin", "tests")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Self {
            running,
            base,
            dir,
            cert_pem,
            admin_token,
            admin_password,
            log_levels,
            database_url,
            pg_database,
        }
    }

    /// Stop the hub and start it again on the same port, data dir and database (the first
    /// administrator and its token survive).
    pub async fn restart(self) -> Self {
        self.restart_after(std::time::Duration::ZERO).await
    }

    /// [`TestHub::restart`], the hub staying down for `pause` in between.
    pub async fn restart_after(mut self, pause: std::time::Duration) -> Self {
        let state = self.running.state.clone();
        let port = self.running.addr.port();
        self.running.shutdown().await;
        tokio::time::sleep(pause).await;
        let mut config = Config::new(
            self.dir.clone(),
            format!("127.0.0.1:{port}")
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            self.database_url.clone(),
        );
        config.blob_url = test_blob_url(&self.dir);
        config.automatic_jobs = false;
        drop(state);
        let prepared = patchbay_hub::prepare(config, Arc::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut tries = 0;
        self.running = loop {
            match patchbay_hub::start(prepared.state.clone()).await {
                Ok(r) => break r,
                Err(e) if tries < 50 => {
                    tries += 1;
                    let _ = e;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("{e}"),
            }
        };
        self
    }

    /// A second hub node on the same data dir and database (scale-out: nodes share the database);
    /// its base URL answers with the same certificate. Shut it down before `stop`.
    pub async fn second_node(&self) -> (Running, String) {
        self.second_node_with(|_| {}).await
    }

    /// [`TestHub::second_node`] with a changed configuration.
    pub async fn second_node_with(&self, edit: impl FnOnce(&mut Config)) -> (Running, String) {
        let mut config = Config::new(
            self.dir.clone(),
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
            self.database_url.clone(),
        );
        config.blob_url = test_blob_url(&self.dir);
        config.automatic_jobs = false;
        edit(&mut config);
        let prepared = patchbay_hub::prepare(config, Arc::new(|_| {}))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let running = patchbay_hub::start(prepared.state)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let base = format!("https://localhost:{}", running.addr.port());
        (running, base)
    }

    pub fn store(&self) -> &Store {
        &self.running.state.store
    }

    /// A client that trusts the identity the hub serves now (its self-signed one, or what a test
    /// regenerated: every certificate of the chain), keeps cookies, follows no redirect.
    pub fn client(&self) -> Client {
        let chain = self.running.state.tls_identity.current().chain_pem.clone();
        let mut b = Client::builder();
        for c in reqwest::Certificate::from_pem_bundle(chain.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"))
        {
            b = b.add_root_certificate(c);
        }
        b.cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// An API call with a bearer token.
    pub async fn api(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Response {
        let mut req = self
            .client()
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// A request whose body is `body` as is (a file, an archive), with extra `headers`: the
    /// status and the JSON answer.
    pub async fn send_bytes(
        &self,
        method: Method,
        token: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client()
            .request(method, self.url(path))
            .bearer_auth(token)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.unwrap_or_else(|e| panic!("{e}"));
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let r = self.api(token, Method::GET, path, None).await;
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, token: &str, path: &str, body: Value) -> Response {
        self.api(token, Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, token: &str, path: &str, body: Value) -> Response {
        self.api(token, Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Response {
        self.api(token, Method::DELETE, path, None).await
    }

    /// A GET without credentials.
    pub async fn fetch(&self, path: &str) -> Response {
        let r = self.client().get(self.url(path)).send().await;
        r.unwrap_or_else(|e| panic!("{e}"))
    }

    /// Create an account directly in the store (any role, terms not yet accepted, no forced
    /// change) and a token for it. Returns (account id, token).
    pub async fn account(&self, login: &str, role: Role) -> (String, String) {
        self.account_with(login, role, |_| {}).await
    }

    pub async fn account_with(
        &self,
        login: &str,
        role: Role,
        edit: impl FnOnce(&mut AccountFields),
    ) -> (String, String) {
        self.account_of(None, login, role, edit).await
    }

    /// `account_with` for the staff (`None`) or a customer's account (a Customer administrator).
    pub async fn account_of(
        &self,
        customer_id: Option<CustomerId>,
        login: &str,
        role: Role,
        edit: impl FnOnce(&mut AccountFields),
    ) -> (String, String) {
        let mut fields = AccountFields {
            read_only_mode: role.default_read_only_mode(),
            force_password_change: false,
            ..AccountFields::new(login, role)
        };
        edit(&mut fields);
        let hash = patchbay_store::crypto::hash_password(PASSWORD);
        let a = self
            .store()
            .create_account(
                &AuditMeta::cli(),
                NewAccount {
                    fields,
                    password_hash: hash,
                    created_by: None,
                    customer_id,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = self
            .store()
            .create_token(&AuditMeta::cli(), a.id, "t")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (a.id.to_string(), token)
    }

    pub async fn stop(self) {
        self.running.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
        drop_database(self.pg_database).await;
    }
}

/// Drop a PostgreSQL database made by [`database_url`].
pub async fn drop_database(pg: Option<(String, String)>) {
    if let Some((url, name)) = pg {
        if let Ok(admin) = Store::connect(&url).await {
            let _ = admin
                .exec_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            admin.close().await;
        }
    }
}

/// A console session driven like a browser without JavaScript.
pub struct Browser {
    pub client: Client,
    pub base: String,
    jar: Arc<reqwest::cookie::Jar>,
}

pub fn hidden(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

impl Browser {
    pub fn new(hub: &TestHub) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        // The identity the hub serves now (a test may have replaced it).
        let chain = hub.running.state.tls_identity.current().chain_pem.clone();
        let mut builder = Client::builder();
        for c in reqwest::Certificate::from_pem_bundle(chain.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"))
        {
            builder = builder.add_root_certificate(c);
        }
        let client = builder
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        Self {
            client,
            base: hub.base.clone(),
            jar,
        }
    }

    /// The session cookie's value.
    pub fn session_token(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = format!("{}/com/dashboard", self.base)
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let header = self
            .jar
            .cookies(&url)
            .and_then(|h| h.to_str().ok().map(str::to_string))
            .unwrap_or_default();
        header
            .split("; ")
            .find_map(|c| c.strip_prefix("pb_session="))
            .unwrap_or_default()
            .to_string()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String, Option<String>) {
        let r = self.client.get(format!("{}{path}", self.base));
        page(r.send().await.unwrap_or_else(|e| panic!("{e}"))).await
    }

    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let r = self.client.post(format!("{}{path}", self.base)).form(form);
        page(r.send().await.unwrap_or_else(|e| panic!("{e}"))).await
    }

    /// A script's request (`method` other than GET and POST) with the CSRF token found on
    /// `csrf_page` in the header scripts use.
    pub async fn script(
        &self,
        method: &str,
        csrf_page: &str,
        path: &str,
    ) -> (StatusCode, String, Option<String>) {
        let (_, html, _) = self.get(csrf_page).await;
        let csrf = hidden(&html, "csrf").unwrap_or_default();
        let m = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        let r = self
            .client
            .request(m, format!("{}{path}", self.base))
            .header("X-CSRF-Token", csrf);
        page(r.send().await.unwrap_or_else(|e| panic!("{e}"))).await
    }

    /// POST a form with the CSRF token found on `csrf_page`.
    pub async fn submit(
        &self,
        csrf_page: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let (_, html, _) = self.get(csrf_page).await;
        let csrf = hidden(&html, "csrf").unwrap_or_default();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(form);
        self.post(path, &all).await
    }

    pub async fn login(
        &self,
        login: &str,
        password: &str,
        language: &str,
    ) -> (StatusCode, String, Option<String>) {
        let (_, html, _) = self.get("/com/login").await;
        let csrf = hidden(&html, "csrf").unwrap_or_default();
        self.post(
            "/com/login",
            &[
                ("csrf", csrf.as_str()),
                ("login", login),
                ("password", password),
                ("language", language),
            ],
        )
        .await
    }

    /// Log in and accept the first-login terms when asked.
    pub async fn login_ready(&self, login: &str, password: &str) {
        let (status, _, location) = self.login(login, password, "en").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {login} failed");
        // A Customer administrator lands on the calling pages (RBAC-5), everyone else on the
        // dashboard; either way the first-login gates come first.
        let landing = location.unwrap_or_default();
        assert!(
            landing == "/com/dashboard" || landing == "/com/calling/devices",
            "unexpected landing page {landing}"
        );
        let (_, _, loc) = self.get(&landing).await;
        if loc.as_deref() == Some("/com/terms") {
            let (s, _, _) = self.submit("/com/terms", "/com/terms", &[]).await;
            assert_eq!(s, StatusCode::SEE_OTHER);
        }
    }
}

/// What a browser sees of a response: its status, its body and where it redirects to.
async fn page(r: Response) -> (StatusCode, String, Option<String>) {
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, r.text().await.unwrap_or_default(), location)
}

pub fn account_body(login: &str, role: &str) -> Value {
    json!({"loginName": login, "password": PASSWORD, "role": role, "firstName": "Test", "lastName": "User"})
}

/// The descriptions of a Webex error body.
pub fn descriptions(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["description"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
