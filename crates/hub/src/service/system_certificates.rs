//! SYS-8: automatic certificate management. Each agent session follows its system: when the
//! system reports the flag on and its certificate is missing or two thirds through its life, the
//! session asks the agent for a signing request, signs it with the hub's issuing CA and sends the
//! certificate; the agent installs it and says so. Nothing needs staff action. A request the
//! agent cannot answer, a signing request the hub refuses, a certificate the agent cannot install
//! or an unanswered request is recorded beside the certificate still installed and raises a
//! Security alarm on the customer, cleared by the next success.

use crate::state::AppState;
use crate::tls::issuing::{Issued, IssuingCa};
use patchbay_domain::alarm::{AlarmType, Severity};
use patchbay_domain::certificates::{renewal_due, system_certificate_names};
use patchbay_domain::{CustomerId, SystemId};
use patchbay_proto::{
    CertificateInstalled, CertificateRequest, CertificateSigningRequest, IssuedCertificate, Message,
};
use patchbay_store::alarms::AlarmRaise;
use patchbay_store::system_certificates::InstalledCertificate;
use std::time::{Duration, Instant};

/// How long the agent has to answer a request before it counts as failed.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(120);

/// The alarm's key: one per system, raised again at each failure, ended by a success.
const ALARM_KEY: &str = "sys-8-certificate";

/// What one agent session knows of its system's certificate.
#[derive(Debug)]
pub struct Track {
    customer: CustomerId,
    sys: SystemId,
    system_name: String,
    /// The system's flag, as last reported.
    auto: bool,
    /// The names the certificate covers, from the last report.
    names: Vec<String>,
    pending: Option<Pending>,
}

#[derive(Debug)]
struct Pending {
    request_id: String,
    asked_at: Instant,
    issued: Option<Issued>,
}

/// The deployment's CA as the database holds it now (read at each signing, which is rare: an
/// Administrator may have replaced it on any node).
async fn issuing_ca(state: &AppState) -> Result<IssuingCa, String> {
    IssuingCa::load(&state.store, &state.secrets, &state.config.data_dir)
        .await
        .map_err(|e| e.to_string())
}

impl Track {
    pub fn new(customer: CustomerId, sys: SystemId, system_name: &str) -> Self {
        Self {
            customer,
            sys,
            system_name: system_name.to_string(),
            auto: false,
            names: Vec::new(),
            pending: None,
        }
    }

    /// A report arrived: its flag and its addresses.
    pub fn reported(&mut self, r: &patchbay_proto::Report) {
        self.auto = r.flags.auto_certificate_management;
        let addresses =
            std::iter::once(r.address.as_str()).chain(r.servers.iter().map(|s| s.address.as_str()));
        self.names = system_certificate_names(&self.system_name, addresses);
    }

    /// The pending request ends in failure: recorded, alarm raised.
    async fn fail(&mut self, state: &AppState, reason: &str) {
        self.pending = None;
        failed(state, self.customer, self.sys, &self.system_name, reason).await;
    }

    /// Checked after each report and periodically: the request to send, if one is due.
    pub async fn due(&mut self, state: &AppState) -> Option<Message> {
        if !self.auto {
            self.pending = None;
            return None;
        }
        if let Some(p) = &self.pending {
            if p.asked_at.elapsed() < ANSWER_WITHIN {
                return None;
            }
            self.fail(state, "the system did not answer the certificate request")
                .await;
        }
        let current = match state.store.system_certificate(self.sys).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the system's certificate");
                return None;
            }
        };
        let now = jiff::Timestamp::now().as_millisecond();
        let installed = current.as_ref().filter(|c| !c.serial.is_empty());
        // Due two thirds through its life, or at once when the CA that signed it was replaced.
        let due = renewal_due(
            installed
                .and_then(|c| c.installed_at)
                .map(|t| t.as_millisecond()),
            installed
                .and_then(|c| c.not_after)
                .map(|t| t.as_millisecond()),
            now,
        ) || installed.is_some_and(|c| c.superseded_at.is_some());
        if !due {
            return None;
        }
        let request_id = uuid::Uuid::new_v4().to_string();
        self.pending = Some(Pending {
            request_id: request_id.clone(),
            asked_at: Instant::now(),
            issued: None,
        });
        tracing::info!(system = %self.system_name, "asking the system for a certificate signing request");
        Some(Message::CertificateRequest(CertificateRequest {
            request_id,
        }))
    }

    /// The agent's signing request: signed when it answers the pending request, else ignored
    /// (the hub signs nothing it did not ask for).
    pub async fn signing_request(
        &mut self,
        state: &AppState,
        r: CertificateSigningRequest,
    ) -> Option<Message> {
        self.pending
            .as_ref()
            .filter(|p| p.request_id == r.request_id && p.issued.is_none())?;
        if r.csr_pem.is_empty() {
            let reason = format!("the system made no signing request: {}", r.reason);
            self.fail(state, &reason).await;
            return None;
        }
        let ca = match issuing_ca(state).await {
            Ok(ca) => ca,
            Err(e) => {
                self.fail(state, &format!("the issuing CA: {e}")).await;
                return None;
            }
        };
        let validity = state.config.system_certificate_validity;
        match ca.sign(&r.csr_pem, &self.system_name, &self.names, validity) {
            Ok(issued) => {
                let message = Message::Certificate(IssuedCertificate {
                    request_id: r.request_id,
                    certificate_pem: issued.pem.clone(),
                    ca_pem: ca.pem.clone(),
                });
                if let Some(p) = self.pending.as_mut() {
                    p.issued = Some(issued);
                }
                Some(message)
            }
            Err(e) => {
                self.fail(state, &format!("signing request refused: {e}"))
                    .await;
                None
            }
        }
    }

    /// The agent installed the certificate (recorded, alarm ended) or could not (alarm).
    pub async fn installed(&mut self, state: &AppState, outcome: CertificateInstalled) {
        let Some(issued) = self
            .pending
            .take_if(|p| p.request_id == outcome.request_id)
            .and_then(|p| p.issued)
        else {
            return;
        };
        if !outcome.installed {
            let reason = format!(
                "the system could not install its certificate: {}",
                outcome.reason
            );
            self.fail(state, &reason).await;
            return;
        }
        let names = issued.names.join(", ");
        let recorded = state
            .store
            .record_system_certificate(
                self.customer,
                self.sys,
                &InstalledCertificate {
                    serial: &issued.serial,
                    subject: &issued.subject,
                    names: &names,
                    not_before_ms: issued.not_before_ms,
                    not_after_ms: issued.not_after_ms,
                    pem: &issued.pem,
                },
            )
            .await;
        if let Err(e) = recorded {
            tracing::warn!(error = %e, "cannot record the system's certificate");
            return;
        }
        if let Err(e) = state
            .store
            .end_alarm(
                self.customer,
                &self.system_name,
                AlarmType::Security,
                ALARM_KEY,
            )
            .await
        {
            tracing::warn!(error = %e, "cannot end the certificate alarm");
        }
        tracing::info!(system = %self.system_name, serial = %issued.serial, "system certificate installed");
    }
}

async fn failed(
    state: &AppState,
    customer: CustomerId,
    sys: SystemId,
    system_name: &str,
    reason: &str,
) {
    tracing::warn!(system = %system_name, reason, "system certificate not renewed");
    if let Err(e) = state
        .store
        .record_system_certificate_failure(customer, sys, reason)
        .await
    {
        tracing::warn!(error = %e, "cannot record the certificate failure");
    }
    let description = format!("Automatic certificate management failed: {reason}");
    let raised = state
        .store
        .raise_alarm(&AlarmRaise {
            customer,
            system_name,
            severity: Severity::Major,
            alarm_type: AlarmType::Security,
            description: &description,
            key: ALARM_KEY,
            ongoing: true,
            at_ms: jiff::Timestamp::now().as_millisecond(),
        })
        .await;
    if let Err(e) = raised {
        tracing::warn!(error = %e, "cannot raise the certificate alarm");
    }
}
