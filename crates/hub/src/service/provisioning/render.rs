//! PRV-1: a device's configuration file, rendered from its vendor family's template — the
//! customer's own when it set one, else the built-in one — with its lines' SIP identity.

use minijinja::{AutoEscape, Environment, Value};
use patchbay_domain::prov::Vendor;
use patchbay_domain::sip::line_user;
use patchbay_store::calling::prov::{ProvLine, ProvTarget};
use serde::Serialize;

/// The built-in template of a family.
pub fn builtin(v: Vendor) -> &'static str {
    match v {
        Vendor::Yealink => include_str!("../../../provisioning/yealink.cfg"),
        Vendor::Poly => include_str!("../../../provisioning/poly.cfg"),
        Vendor::Snom => include_str!("../../../provisioning/snom.xml"),
        Vendor::Grandstream => include_str!("../../../provisioning/grandstream.xml"),
        Vendor::Algo => include_str!("../../../provisioning/algo.conf"),
        Vendor::Generic => include_str!("../../../provisioning/generic.cfg"),
    }
}

/// The media type a family's file is served with.
pub fn content_type(v: Vendor) -> &'static str {
    match v {
        Vendor::Poly | Vendor::Snom | Vendor::Grandstream => "application/xml; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    }
}

fn xml(v: Vendor) -> bool {
    matches!(v, Vendor::Poly | Vendor::Snom | Vendor::Grandstream)
}

/// Registrar ports by transport (the ones `patchbay sip config` writes by default).
pub const SIP_PORT: u16 = 5060;
pub const SIP_TLS_PORT: u16 = 5061;

/// Instructions a template may spend (a customer's template cannot loop forever).
const FUEL: u64 = 50_000;

#[derive(Serialize)]
struct LineCtx {
    port: i64,
    user: String,
    label: String,
}

#[derive(Serialize)]
struct Ctx {
    mac: String,
    model: String,
    vendor: &'static str,
    registrar: String,
    outbound_proxy: String,
    transport: &'static str,
    port: u16,
    password: String,
    lines: Vec<LineCtx>,
}

/// Values of line-based formats keep to one line.
fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

fn environment(v: Vendor, body: &str) -> Result<Environment<'static>, TemplateError> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    let escape = xml(v);
    env.set_auto_escape_callback(move |_| {
        if escape {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_template_owned(v.as_str().to_string(), body.to_string())
        .map_err(|e| TemplateError(e.to_string()))?;
    Ok(env)
}

/// Render `body` (a family's template) for the device.
pub fn render(
    v: Vendor,
    body: &str,
    t: &ProvTarget,
    lines: &[ProvLine],
    password: &str,
) -> Result<String, TemplateError> {
    let env = environment(v, body)?;
    let tls = t.tls_only;
    let mut lines: Vec<LineCtx> = lines
        .iter()
        .map(|l| LineCtx {
            port: l.port,
            user: one_line(&line_user(&t.sip_user_name, l.port)),
            label: one_line(&l.label),
        })
        .collect();
    if lines.is_empty() {
        lines.push(LineCtx {
            port: 1,
            user: one_line(&t.sip_user_name),
            label: String::new(),
        });
    }
    // Every value keeps to one line: a line-based format cannot be given an extra key.
    let ctx = Ctx {
        mac: one_line(&t.mac),
        model: one_line(&t.model),
        vendor: v.as_str(),
        registrar: one_line(&t.registrar),
        outbound_proxy: one_line(&t.outbound_proxy),
        transport: if tls { "tls" } else { "udp" },
        port: if tls { SIP_TLS_PORT } else { SIP_PORT },
        password: one_line(password),
        lines,
    };
    let tmpl = env
        .get_template(v.as_str())
        .map_err(|e| TemplateError(e.to_string()))?;
    let mut out = Capped::default();
    if let Err(e) = tmpl.render_captured_to(Value::from_serialize(&ctx), &mut out) {
        return Err(TemplateError(if out.full {
            format!("the file would be larger than {MAX_OUTPUT} bytes")
        } else {
            e.to_string()
        }));
    }
    String::from_utf8(out.buf).map_err(|e| TemplateError(e.to_string()))
}

/// The largest file a template may make: a customer's template cannot fill the hub's memory.
pub const MAX_OUTPUT: usize = 256 * 1024;

/// A buffer that refuses to grow past [`MAX_OUTPUT`] (and says so in `full`).
#[derive(Default)]
struct Capped {
    buf: Vec<u8>,
    full: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + buf.len() > MAX_OUTPUT {
            self.full = true;
            return Err(std::io::Error::other("output too large"));
        }
        self.buf.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Check a customer's template: it must parse and render for a sample device.
pub fn check(v: Vendor, body: &str) -> Result<(), TemplateError> {
    let sample = ProvTarget {
        device_id: patchbay_domain::DeviceId::new(),
        customer_id: patchbay_domain::CustomerId::new(),
        mac: "00156501ABCD".into(),
        vendor: v.as_str().into(),
        model: "Sample".into(),
        managed_by: "CUSTOMER".into(),
        sip_user_name: "sample000001".into(),
        sealed_password: String::new(),
        registrar: "acme.sip.example".into(),
        outbound_proxy: "sip.example".into(),
        tls_only: true,
        prov_ha1: None,
    };
    let lines = [
        ProvLine {
            port: 1,
            label: "Ann Lee".into(),
        },
        ProvLine {
            port: 2,
            label: "Bob Ray".into(),
        },
    ];
    render(v, body, &sample, &lines, "Sample#Password-1").map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prv_1_a_template_cannot_make_a_huge_file_or_loop_for_ever() {
        let huge = "{% for i in range(1000) %}{{ 'x' * 1000000 }}{% endfor %}";
        let e = check(Vendor::Generic, huge)
            .err()
            .map(|e| e.0)
            .unwrap_or_default();
        assert!(e.contains("larger than"), "{e}");
        let endless = "{% for i in range(100000000) %}{% endfor %}";
        assert!(check(Vendor::Generic, endless).is_err());
        for v in Vendor::ALL {
            assert!(check(v, builtin(v)).is_ok(), "{v:?}");
        }
    }
}
