//! The customer as the API shows it ([`CustomerJson`], with its SYS-3 status message), the
//! create / update body ([`CustomerBody`]). The list's filters are shared with the console
//! (`http::filters::CustomerQuery`).

use crate::error::AppError;
use crate::http::api::schema::text;
use crate::http::filters::light_schema;
use crate::service::customers::CustomerInput;
use patchbay_domain::customer::CustomerFields;
use patchbay_domain::system::Status;
use patchbay_domain::{AccountId, DistributorId, ResellerId, Rule};
use patchbay_store::customers::Customer;
use serde::{Deserialize, Serialize};

crate::schema_fn! {
    customer_name_schema => text(patchbay_domain::customer::NAME_MAX);
    notes_schema => text(patchbay_domain::customer::NOTES_MAX);
    service_user_schema => text(patchbay_domain::customer::SERVICE_USER_MAX);
    service_password_schema => text(patchbay_domain::customer::SERVICE_PASSWORD_MAX);
    customer_key_schema => {
        let mut o = text(patchbay_domain::customer::CUSTOMER_ID_MAX);
        o.pattern = Some("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$".into());
        o
    };
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorRef {
    pub id: String,
    pub login_name: String,
}

/// A customer. `id` is also the `orgId` of the calling-provisioning API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerJson {
    pub id: String,
    pub name: String,
    pub customer_id: String,
    pub distributor_id: Option<String>,
    pub distributor_name: String,
    pub reseller_id: Option<String>,
    pub reseller_name: String,
    pub service_user_name: String,
    pub service_disabled: bool,
    pub tags: Vec<String>,
    pub phone: String,
    pub email: String,
    pub notes: String,
    pub operators: Vec<OperatorRef>,
    /// SYS-2
    #[schema(schema_with = light_schema)]
    pub connectivity: String,
    /// SYS-3 status code
    pub status: String,
    /// SYS-3 message (English)
    pub status_message: String,
    pub system_name: String,
    pub profile: String,
    pub version: String,
    pub address: String,
    pub port: i64,
    pub last_seen: Option<String>,
    pub needs_attention: bool,
    /// CUS-8: added by a zero-touch enrolment and not confirmed yet; its system is refused
    /// (no remote operation) until `POST /v1/operations/customers/{id}/confirm`.
    pub enrolment_pending: bool,
    pub alarm_count: i64,
    pub created: String,
}

/// The SYS-3 message for a stored status code.
pub fn status_message(code: &str, last_seen: Option<jiff::Timestamp>) -> String {
    if code == "unreachableSince" {
        let secs = last_seen
            .map(|t| jiff::Timestamp::now().duration_since(t).as_secs())
            .unwrap_or(0);
        return Status::UnreachableSince { seconds: secs }.english();
    }
    serde_json::from_value::<Status>(serde_json::json!({ "code": code }))
        .map(|s| s.english())
        .unwrap_or_else(|_| code.to_string())
}

impl From<Customer> for CustomerJson {
    fn from(c: Customer) -> Self {
        let status_message = status_message(&c.status_code, c.last_seen_at);
        Self {
            id: c.id.to_string(),
            name: c.fields.name,
            customer_id: c.fields.customer_id,
            distributor_id: c.distributor_id.map(|d| d.to_string()),
            distributor_name: c.distributor_name,
            reseller_id: c.reseller_id.map(|r| r.to_string()),
            reseller_name: c.reseller_name,
            service_user_name: c.fields.service_user_name,
            service_disabled: c.fields.service_disabled,
            tags: c.fields.tags,
            phone: c.fields.phone,
            email: c.fields.email,
            notes: c.fields.notes,
            operators: c
                .operators
                .into_iter()
                .map(|(id, login_name)| OperatorRef {
                    id: id.to_string(),
                    login_name,
                })
                .collect(),
            connectivity: c.light,
            status: c.status_code,
            status_message,
            system_name: c.system_name,
            profile: c.profile,
            version: c.version,
            address: c.address,
            port: c.port,
            last_seen: c.last_seen_at.map(|t| t.to_string()),
            needs_attention: c.needs_attention,
            enrolment_pending: c.enrolment_pending,
            alarm_count: c.alarm_count,
            created: c.created_at.to_string(),
        }
    }
}

/// Create / update body. `servicePassword` is write-only: required on create, kept when absent
/// on update.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerBody {
    /// Required on create.
    #[schema(schema_with = customer_name_schema)]
    pub name: Option<String>,
    /// A DNS label (a-z, 0-9, -), unique; required on create.
    #[schema(schema_with = customer_key_schema)]
    pub customer_id: Option<String>,
    #[schema(schema_with = service_user_schema)]
    pub service_user_name: Option<String>,
    /// Write-only; required on create.
    #[schema(schema_with = service_password_schema)]
    pub service_password: Option<String>,
    pub service_disabled: Option<bool>,
    pub distributor_id: Option<String>,
    pub reseller_id: Option<String>,
    pub tags: Option<Vec<String>>,
    pub phone: Option<String>,
    pub email: Option<String>,
    #[schema(schema_with = notes_schema)]
    pub notes: Option<String>,
    /// Account ids of assigned operators.
    pub operators: Option<Vec<String>>,
}

fn parse_opt<T: std::str::FromStr>(
    field: &'static str,
    v: Option<&str>,
) -> Result<Option<T>, AppError> {
    v.filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<T>()
                .map_err(|_| AppError::field(field, Rule::Invalid))
        })
        .transpose()
}

impl CustomerBody {
    /// Apply onto `base` (the current customer on update).
    pub fn into_input(self, base: Option<&Customer>) -> Result<CustomerInput, AppError> {
        let b = base.map(|c| c.fields.clone()).unwrap_or_default();
        let fields = CustomerFields {
            name: self.name.unwrap_or(b.name),
            customer_id: self.customer_id.unwrap_or(b.customer_id),
            service_user_name: self.service_user_name.unwrap_or(b.service_user_name),
            tags: self.tags.unwrap_or(b.tags),
            phone: self.phone.unwrap_or(b.phone),
            email: self.email.unwrap_or(b.email),
            notes: self.notes.unwrap_or(b.notes),
            service_disabled: self.service_disabled.unwrap_or(b.service_disabled),
        };
        let distributor_id = match self.distributor_id {
            Some(d) => parse_opt::<DistributorId>("distributorId", Some(&d))?,
            None => base.and_then(|c| c.distributor_id),
        };
        let reseller_id = match self.reseller_id {
            Some(r) => parse_opt::<ResellerId>("resellerId", Some(&r))?,
            None => base.and_then(|c| c.reseller_id),
        };
        let operators = match self.operators {
            Some(ops) => ops
                .iter()
                .map(|o| {
                    o.parse::<AccountId>()
                        .map_err(|_| AppError::field("operators", Rule::Invalid))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => base
                .map(|c| c.operators.iter().map(|(id, _)| *id).collect())
                .unwrap_or_default(),
        };
        Ok(CustomerInput {
            fields,
            service_password: self.service_password,
            distributor_id,
            reseller_id,
            operators,
        })
    }
}
