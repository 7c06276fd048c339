use super::*;

const FULL: &str = r#"
name = "ipo-paris-1"
profile = "server-edition"
version = "12.1.0.0.123"
address = "10.0.0.10"
port = 8443
[flags]
central_management = true
central_diagnostic_logs = true
remote_upgrade_backup = true
remote_access = true
colocated_servers = false
auto_certificate_management = false
phone_auto_provisioning = true
[service_account]
rights = ["status-read", "configuration", "upgrade"]
disabled = false
locked = true
password_expired = false
must_change_password = false
[[servers]]
name = "exp-1"
role = "expansion"
address = "10.0.0.11"
version = "12.1.0.0.100"
check = "tcp://127.0.0.1:5060"
[[servers]]
name = "app-1"
role = "Application"
address = "10.0.0.12"
"#;

fn err(text: &str) -> ConfigError {
    match SystemConfig::parse(text) {
        Ok(c) => panic!("accepted: {c:?}"),
        Err(e) => e,
    }
}

#[test]
fn sys_5_full_system_toml_parses() {
    let c = SystemConfig::parse(FULL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.name, "ipo-paris-1");
    assert_eq!(c.profile, "server-edition");
    assert_eq!(c.port, 8443);
    assert!(c.flags.central_management && c.flags.phone_auto_provisioning);
    assert!(!c.flags.colocated_servers);
    assert!(c.service_account.locked);
    assert_eq!(c.service_account.rights.len(), 3);
    assert_eq!(c.servers.len(), 2);
    assert_eq!(
        c.servers[0].check,
        Some(Probe::Tcp {
            host: "127.0.0.1".into(),
            port: 5060
        })
    );
    assert_eq!(c.servers[1].role, "application");
    assert_eq!(
        c.servers[1].version, "12.1.0.0.123",
        "inherits the primary's"
    );
}

#[test]
fn sys_7_report_lists_the_primary_first_then_servers_with_state() {
    let c = SystemConfig::parse(FULL).unwrap_or_else(|e| panic!("{e}"));
    let offline = HashMap::from([("exp-1".to_string(), true)]);
    let r = c.report(&offline);
    assert_eq!(r.system_name, "ipo-paris-1");
    let roles: Vec<_> = r
        .servers
        .iter()
        .map(|s| (s.name.as_str(), s.role.as_str(), s.state.as_str()))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("ipo-paris-1", "primary", "online"),
            ("exp-1", "expansion", "offline"),
            ("app-1", "application", "online")
        ]
    );
    assert_eq!(r.servers[0].address, "10.0.0.10");
    assert_eq!(r.port, 8443);
}

#[test]
fn sys_6_minimal_file_defaults_flags_off() {
    let c = SystemConfig::parse(
        "name = \"a\"\nprofile = \"legacy\"\nversion = \"9.1\"\naddress = \"a.example\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.port, 443);
    assert_eq!(c.flags, Flags::default());
    assert!(c.service_account.rights.is_empty());
    assert!(c.servers.is_empty());
}

#[test]
fn sys_5_errors_name_the_bad_key() {
    let base = "name = \"a\"\nversion = \"1\"\naddress = \"x\"\n";
    let e = err(&format!("{base}profile = \"pbx\"\n"));
    assert_eq!(e.key, "profile");
    assert!(e.to_string().contains("key `profile`"), "{e}");
    assert!(e.to_string().contains("server-edition"), "{e}");

    let e = err(base);
    assert_eq!(e.key, "profile", "missing key named: {e}");
    let e = err(&format!(
        "{base}profile = \"accs\"\n[[servers]]\nname = \"s\"\nrole = \"secondary\"\n"
    ));
    assert_eq!(e.key, "servers[0].address", "{e}");

    let p = format!("{base}profile = \"accs\"\n");
    let e = err(&format!("{p}port = \"x\"\n"));
    assert_eq!(e.key, "port", "{e}");
    let e = err(&format!("{p}port = 0\n"));
    assert_eq!(e.key, "port", "{e}");

    let e = err(&format!("{p}[flags]\ncentral_managment = true\n"));
    assert_eq!(e.key, "flags.central_managment", "{e}");
    assert!(
        e.message.contains("central_management"),
        "suggests the keys: {e}"
    );

    let e = err(&format!("{p}[service_account]\nrights = [\"read\"]\n"));
    assert_eq!(e.key, "service_account.rights[0]", "{e}");

    let srv = "[[servers]]\nname = \"s\"\naddress = \"y\"\n";
    let srv2 = "[[servers]]\nname = \"s2\"\naddress = \"z\"\n";
    let e = err(&format!(
        "{p}{srv}role = \"expansion\"\n{srv2}role = \"boss\"\n"
    ));
    assert_eq!(e.key, "servers[1].role", "{e}");
    let e = err(&format!(
        "{p}{srv}role = \"expansion\"\ncheck = \"http://y\"\n"
    ));
    assert_eq!(e.key, "servers[0].check", "{e}");
    let e = err(&format!(
        "{p}{srv}role = \"expansion\"\n{srv}role = \"secondary\"\n"
    ));
    assert_eq!(e.key, "servers[1].name", "{e}");
    let e = err(&format!("{p}name2 = 1\n"));
    assert!(e.message.contains("name2"), "{e}");
    let e = err("name = \n");
    assert!(e.to_string().starts_with("system.toml: "), "{e}");
}

#[test]
fn probe_parses_tcp_urls() {
    assert_eq!(
        Probe::parse("tcp://[::1]:22"),
        Ok(Probe::Tcp {
            host: "::1".into(),
            port: 22
        })
    );
    assert!(Probe::parse("tcp://host").is_err());
    assert!(Probe::parse("tcp://host:0").is_err());
    assert!(Probe::parse("udp://host:1").is_err());
    assert_eq!(
        Probe::parse("tcp://h:1").map(|p| p.to_string()),
        Ok("tcp://h:1".to_string())
    );
}
