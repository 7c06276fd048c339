//! Backup → restore round trips on real files.

use super::*;

/// A fresh system directory with some data in every item, and a call recording.
fn system_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "pb-backup-{tag}-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    let files: &[(&str, &[u8])] = &[
        ("data/configuration/config.cfg", b"lines=12\n"),
        ("data/configuration/users/u100.xml", b"<user id='100'/>"),
        (
            "data/voicemail-configuration/vm.conf",
            b"[general]\nmaxmsg=100\n",
        ),
        (
            "data/custom-prompts/welcome.wav",
            &[0x52, 0x49, 0x46, 0x46, 0, 1, 2, 255],
        ),
        ("data/mailboxes/100/greeting.wav", b"greeting 100"),
        ("data/mailboxes/100/msg0001.wav", b"message for 100"),
        ("data/mailboxes/200/msg0001.wav", b"message for 200"),
        (
            "data/mailboxes/100/recordings/call-1.wav",
            b"a call recording",
        ),
        (
            "data/configuration/recordings/call-2.wav",
            b"another call recording",
        ),
    ];
    for (p, content) in files {
        let path = d.join(p);
        fs::create_dir_all(path.parent().unwrap_or(&d)).unwrap_or_else(|e| panic!("{e}"));
        fs::write(path, content).unwrap_or_else(|e| panic!("{e}"));
    }
    d
}

fn read(d: &Path, p: &str) -> Vec<u8> {
    fs::read(d.join(p)).unwrap_or_default()
}

fn all_items() -> BackupRequest {
    BackupRequest {
        items: Item::ALL.to_vec(),
        mailboxes: vec![],
    }
}

#[test]
fn bkp_2_backup_then_restore_gives_back_every_file_by_checksum() {
    let d = system_dir("round");
    let data = DataPaths::default();
    let out = d.join("outgoing/b1.tar.gz");
    let a = create(&d, "ipo-1", &data, &all_items(), &out).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.is_file() && !out.with_extension("part").exists());
    assert_eq!(a.size, fs::metadata(&out).map(|m| m.len()).unwrap_or(0));
    assert_eq!(a.sha256, sha256_file(&out).map(|x| x.1).unwrap_or_default());
    let names: Vec<&str> = a.manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "configuration/config.cfg",
            "configuration/users/u100.xml",
            "voicemailConfiguration/vm.conf",
            "customPrompts/welcome.wav",
            "mailboxes/100/greeting.wav",
            "mailboxes/100/msg0001.wav",
            "mailboxes/200/msg0001.wav",
        ]
    );
    // Damage the system: change a file, remove one, add one; then restore everything.
    fs::write(d.join("data/configuration/config.cfg"), b"lines=0\n").unwrap_or_default();
    fs::remove_file(d.join("data/mailboxes/200/msg0001.wav")).unwrap_or_default();
    fs::write(d.join("data/configuration/stray.cfg"), b"not in the backup").unwrap_or_default();
    let r = restore(&d, &data, &out, &a.sha256, &Item::ALL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.files, 7);
    assert_eq!(r.removed, 1);
    for f in &a.manifest.files {
        let (item, rel) = split_entry(&f.path).unwrap_or_else(|e| panic!("{e}"));
        let (_, sum) =
            sha256_file(&data.item(&d, item).join(rel)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sum, f.sha256, "{}", f.path);
    }
    assert!(!d.join("data/configuration/stray.cfg").exists());
    // Call recordings were never read, and a restore leaves them where they are.
    assert_eq!(
        read(&d, "data/mailboxes/100/recordings/call-1.wav"),
        b"a call recording"
    );
    assert!(!d
        .read_dir()
        .map(|mut r| r
            .any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with(".restore"))))
        .unwrap_or(true));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn bkp_4_call_recordings_are_never_in_a_backup() {
    let d = system_dir("rec");
    let out = d.join("b.tar.gz");
    let a = create(&d, "ipo", &DataPaths::default(), &all_items(), &out)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut tar = tar::Archive::new(GzDecoder::new(
        File::open(&out).unwrap_or_else(|e| panic!("{e}")),
    ));
    let names: Vec<String> = tar
        .entries()
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| {
            e.ok()
                .and_then(|e| e.path().ok().map(|p| p.to_string_lossy().into_owned()))
        })
        .collect();
    assert!(names.iter().all(|n| !n.contains("recordings")), "{names:?}");
    assert_eq!(names.last().map(String::as_str), Some(MANIFEST));
    assert!(a
        .manifest
        .files
        .iter()
        .all(|f| !f.path.contains("recordings")));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn bkp_4_selected_mailboxes_only_and_bkp_5_restore_of_chosen_items_only() {
    let d = system_dir("sel");
    let data = DataPaths::default();
    let out = d.join("b.tar.gz");
    let req = BackupRequest {
        items: vec![Item::Configuration, Item::Mailboxes],
        mailboxes: vec!["100".into()],
    };
    let a = create(&d, "ipo", &data, &req, &out).unwrap_or_else(|e| panic!("{e}"));
    assert!(a
        .manifest
        .files
        .iter()
        .any(|f| f.path == "mailboxes/100/msg0001.wav"));
    assert!(!a
        .manifest
        .files
        .iter()
        .any(|f| f.path.starts_with("mailboxes/200")));
    assert!(!a
        .manifest
        .files
        .iter()
        .any(|f| f.path.starts_with("customPrompts")));
    // Change configuration and both mailboxes; restore the mailboxes only.
    fs::write(d.join("data/configuration/config.cfg"), b"changed").unwrap_or_default();
    fs::write(d.join("data/mailboxes/100/msg0001.wav"), b"changed").unwrap_or_default();
    fs::write(d.join("data/mailboxes/200/msg0001.wav"), b"changed").unwrap_or_default();
    restore(&d, &data, &out, &a.sha256, &[Item::Mailboxes]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        read(&d, "data/mailboxes/100/msg0001.wav"),
        b"message for 100"
    );
    assert_eq!(
        read(&d, "data/configuration/config.cfg"),
        b"changed",
        "not chosen"
    );
    assert_eq!(
        read(&d, "data/mailboxes/200/msg0001.wav"),
        b"changed",
        "not in the backup"
    );
    // An item the backup does not hold is refused before anything changes.
    assert!(matches!(
        restore(&d, &data, &out, &a.sha256, &[Item::CustomPrompts]),
        Err(BackupError::ItemMissing("customPrompts"))
    ));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn bkp_5_a_damaged_backup_changes_nothing() {
    let d = system_dir("bad");
    let data = DataPaths::default();
    let out = d.join("b.tar.gz");
    let a = create(&d, "ipo", &data, &all_items(), &out).unwrap_or_else(|e| panic!("{e}"));
    fs::write(d.join("data/configuration/config.cfg"), b"current").unwrap_or_default();
    // A wrong checksum: refused.
    let wrong = "0".repeat(64);
    assert!(matches!(
        restore(&d, &data, &out, &wrong, &Item::ALL),
        Err(BackupError::Checksum { .. })
    ));
    // A flipped byte: the archive no longer matches its checksum.
    let mut bytes = fs::read(&out).unwrap_or_default();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    fs::write(&out, &bytes).unwrap_or_default();
    assert!(restore(&d, &data, &out, &a.sha256, &Item::ALL).is_err());
    assert_eq!(read(&d, "data/configuration/config.cfg"), b"current");
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn bkp_5_paths_that_leave_the_item_folder_are_refused() {
    for bad in [
        "configuration/a/./b",
        "configuration/a//b",
        "configuration/../../etc/passwd",
        "/etc/passwd",
        "configuration/",
        "other/x",
        "configuration//x/../y",
    ] {
        assert!(split_entry(bad).is_err(), "{bad}");
    }
    assert!(split_entry("configuration/a/b.cfg").is_ok());
}
