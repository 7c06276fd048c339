use super::*;
use patchbay_proto::Transfer;

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "pb-agent-cst-{tag}-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    fs::create_dir_all(&d).unwrap_or_default();
    d
}

/// A tar of `(name, content)` regular files.
fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, content) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(content.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, *content).unwrap_or_default();
    }
    b.into_inner().unwrap_or_default()
}

/// A tar with one raw header: name, type, declared size (the name is written as is, unchecked).
fn raw_tar(name: &str, kind: tar::EntryType, size: u64, link: Option<&str>) -> Vec<u8> {
    let mut h = tar::Header::new_old();
    {
        let bytes = h.as_old_mut();
        bytes.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(l) = link {
            bytes.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    // The content a huge declared size says is coming is never there.
    out.extend(std::iter::repeat_n(0u8, 1024));
    out
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn layer(folder: &str, file: &str, bytes: &[u8], at: &Path) -> (CustomLayer, PathBuf) {
    let path = at.join(format!("{folder}-{file}"));
    fs::write(&path, bytes).unwrap_or_default();
    (
        CustomLayer {
            folder: folder.into(),
            file: file.into(),
            sha256: sha(bytes),
            size: bytes.len() as u64,
            download: Transfer {
                url: "/x".into(),
                token: "t".into(),
            },
        },
        path,
    )
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn cst_4_layers_unpack_over_each_other_in_order() {
    let d = dir("layers");
    let inbox = dir("layers-in");
    let layers = vec![
        layer(
            "distributor",
            "CustomPhoneFiles.tar",
            &tar_of(&[
                ("46xxspecials.txt", b"SET A distributor"),
                ("only-distributor.jpg", b"d"),
                ("img/shared.png", b"distributor"),
            ]),
            &inbox,
        ),
        layer(
            "distributor",
            "CustomTemplates.tar",
            &tar_of(&[("trunk-a.xml", b"<a/>")]),
            &inbox,
        ),
        layer(
            "reseller",
            "CustomPhoneFiles.tar",
            &tar_of(&[
                ("46xxspecials.txt", b"SET A reseller"),
                ("img/shared.png", b"reseller"),
            ]),
            &inbox,
        ),
        layer(
            "customer",
            "CustomPhoneFiles.tar",
            &tar_of(&[("46xxspecials.txt", b"SET A customer")]),
            &inbox,
        ),
    ];
    let done = install(&d, &layers);
    assert_eq!(
        done,
        Ok(Refreshed {
            layers: 4,
            files: 7
        })
    );
    let phone = d.join(CUSTOM).join(PHONE_FILES_DIR);
    assert_eq!(read(&phone.join("46xxspecials.txt")), "SET A customer");
    assert_eq!(read(&phone.join("img/shared.png")), "reseller");
    assert_eq!(read(&phone.join("only-distributor.jpg")), "d");
    assert_eq!(
        read(&d.join(CUSTOM).join(TEMPLATES_DIR).join("trunk-a.xml")),
        "<a/>"
    );
    // A refresh builds the set anew: what no folder holds any more is gone.
    let again = vec![layer(
        "customer",
        "CustomPhoneFiles.tar",
        &tar_of(&[("46xxspecials.txt", b"SET A second")]),
        &inbox,
    )];
    assert!(install(&d, &again).is_ok());
    assert_eq!(read(&phone.join("46xxspecials.txt")), "SET A second");
    assert!(!phone.join("only-distributor.jpg").exists());
    assert!(!d
        .join(CUSTOM)
        .join(TEMPLATES_DIR)
        .join("trunk-a.xml")
        .exists());
    assert!(!d.join("custom.new").exists() && !d.join("custom.old").exists());
}

#[test]
fn cst_4_a_bad_layer_leaves_the_files_the_system_had() {
    let d = dir("bad");
    let inbox = dir("bad-in");
    let good = vec![layer(
        "customer",
        "CustomPhoneFiles.tar",
        &tar_of(&[("46xxspecials.txt", b"SET A kept")]),
        &inbox,
    )];
    assert!(install(&d, &good).is_ok());
    let phone = d.join(CUSTOM).join(PHONE_FILES_DIR);
    // A checksum that differs from the hub's.
    let (mut l, p) = layer(
        "reseller",
        "CustomPhoneFiles.tar",
        &tar_of(&[("46xxspecials.txt", b"SET A other")]),
        &inbox,
    );
    l.sha256 = sha(b"something else");
    let e = install(&d, &[(l, p)]).err().unwrap_or_default();
    assert!(e.contains("checksum"), "{e}");
    assert_eq!(read(&phone.join("46xxspecials.txt")), "SET A kept");
}

#[test]
fn cst_6_dangerous_archives_are_refused_without_writing_outside() {
    let d = dir("danger");
    let inbox = dir("danger-in");
    let outside = d.join("escaped.txt");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "traversal",
            raw_tar("../escaped.txt", tar::EntryType::Regular, 3, None),
            "outside",
        ),
        (
            "deep traversal",
            raw_tar("a/../../../escaped.txt", tar::EntryType::Regular, 3, None),
            "outside",
        ),
        (
            "absolute",
            raw_tar("/tmp/escaped.txt", tar::EntryType::Regular, 3, None),
            "outside",
        ),
        (
            "symlink",
            raw_tar("link", tar::EntryType::Symlink, 0, Some("/etc/passwd")),
            "links",
        ),
        (
            "hardlink",
            raw_tar("hard", tar::EntryType::Link, 0, Some("../escaped.txt")),
            "links",
        ),
        (
            "fifo",
            raw_tar("pipe", tar::EntryType::Fifo, 0, None),
            "special",
        ),
        (
            "huge",
            raw_tar("big.jpg", tar::EntryType::Regular, 1 << 40, None),
            "bytes",
        ),
    ];
    // What a traversal from the staging folder (d/custom.new/phone-files) would reach.
    let reach = [
        outside.clone(),
        d.join("custom.new").join("escaped.txt"),
        PathBuf::from("/tmp/escaped.txt"),
    ];
    for r in &reach {
        let _ = fs::remove_file(r);
    }
    for (tag, bytes, want) in cases {
        let (l, p) = layer(tag, "CustomPhoneFiles.tar", &bytes, &inbox);
        let e = install(&d, &[(l, p)]).err().unwrap_or_default();
        assert!(e.contains(want), "{tag}: {e}");
        assert!(!reach.iter().any(|r| r.exists()), "{tag} wrote outside");
        assert!(!d.join(CUSTOM).exists(), "{tag}: nothing installed");
        assert!(!d.join("custom.new").exists(), "{tag}: staging removed");
    }
    // Too many entries across the layers.
    let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("f{i}.txt")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let (l, p) = layer("many", "CustomPhoneFiles.tar", &tar_of(&files), &inbox);
    let e = install(&d, &[(l, p)]).err().unwrap_or_default();
    assert!(e.contains("entries"), "{e}");
}

const TOML: &str = "# the system\nname = \"s\"\nprofile = \"ip500v2\"\nversion = \"12.1\"\naddress = \"10.0.0.1\"\n\n[flags]\n# kept\ncentral_management = true\nremote_access = true\n";

fn setting(name: &str, on: bool) -> CustomSetting {
    CustomSetting {
        name: name.into(),
        on,
    }
}

#[test]
fn cst_2_cst_5_custom_data_is_applied_once_to_system_toml() {
    let d = dir("customdata");
    fs::write(d.join(crate::system::SYSTEM_FILE), TOML).unwrap_or_default();
    let settings = [
        setting("remoteaccess", false),
        setting("remoteupgrade", true),
        setting("logtransfer", true),
        setting("backupmailboxes", true),
    ];
    assert_eq!(apply_custom_data(&d, &settings, "<customdata/>"), Ok(true));
    let cfg = crate::system::SystemConfig::load(&d).unwrap_or_else(|e| panic!("{e}"));
    assert!(cfg.flags.central_management && !cfg.flags.remote_access);
    assert!(cfg.flags.remote_upgrade_backup && cfg.flags.central_diagnostic_logs);
    assert!(cfg.voicemail_backup.mailboxes && !cfg.voicemail_backup.prompts);
    let text = read(&d.join(crate::system::SYSTEM_FILE));
    assert!(
        text.contains("# kept") && text.contains("# the system"),
        "{text}"
    );
    assert_eq!(read(&d.join(CUSTOM_DATA)), "<customdata/>");
    // Never again: the system's own changes since stay.
    fs::write(d.join(crate::system::SYSTEM_FILE), TOML).unwrap_or_default();
    assert_eq!(
        apply_custom_data(&d, &[setting("remoteaccess", false)], "<x/>"),
        Ok(false)
    );
    let cfg = crate::system::SystemConfig::load(&d).unwrap_or_else(|e| panic!("{e}"));
    assert!(cfg.flags.remote_access);
    assert_eq!(read(&d.join(CUSTOM_DATA)), "<customdata/>");
    // An unknown setting changes nothing.
    let e = dir("customdata-bad");
    fs::write(e.join(crate::system::SYSTEM_FILE), TOML).unwrap_or_default();
    assert!(apply_custom_data(&e, &[setting("nonsense", true)], "<x/>").is_err());
    assert_eq!(read(&e.join(crate::system::SYSTEM_FILE)), TOML);
    assert!(Applied::load(&e).is_none());
}

#[test]
fn cst_4_an_archive_of_a_folder_made_with_tar_dot_unpacks() {
    // `tar -C dir -cf x.tar .`: a `./` folder entry first, then `./46xxspecials.txt`.
    let mut bytes = raw_tar("./", tar::EntryType::Directory, 0, None);
    bytes.truncate(512);
    let mut file = raw_tar("./46xxspecials.txt", tar::EntryType::Regular, 5, None);
    file.truncate(512);
    file.extend(b"SET A");
    file.extend(std::iter::repeat_n(0u8, 512 - 5 + 1024));
    bytes.extend(file);
    let d = dir("dot");
    let inbox = dir("dot-in");
    let done = install(
        &d,
        &[layer("customer", "CustomPhoneFiles.tar", &bytes, &inbox)],
    );
    assert_eq!(
        done,
        Ok(Refreshed {
            layers: 1,
            files: 1
        })
    );
    assert_eq!(
        read(
            &d.join(CUSTOM)
                .join(PHONE_FILES_DIR)
                .join("46xxspecials.txt")
        ),
        "SET A"
    );
}
