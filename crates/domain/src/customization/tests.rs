//! CST-2, CST-5, CST-6: archives built in memory, good and crafted.

use super::*;

/// A baseline JPEG header of `w`×`h` (enough for its size to be read), padded to `len` bytes.
pub fn jpeg(w: u16, h: u16, len: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    while b.len() + 2 < len {
        b.push(0);
    }
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

/// A PNG header of `w`×`h`.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    b.extend_from_slice(b"IHDR");
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    b
}

/// What goes in a test archive.
pub enum Item<'a> {
    File(&'a str, Vec<u8>),
    /// A name written into the header as it is (no checks).
    RawName(&'a [u8], Vec<u8>),
    Symlink(&'a str, &'a str),
    /// A file whose header declares more bytes than follow.
    Truncated(&'a str, u64),
}

pub fn tar_of(items: Vec<Item<'_>>) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for item in items {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        match item {
            Item::File(name, data) => {
                h.set_size(data.len() as u64);
                b.append_data(&mut h, name, data.as_slice())
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            Item::RawName(name, data) => {
                h.set_size(data.len() as u64);
                h.as_old_mut().name[..name.len()].copy_from_slice(name);
                h.set_cksum();
                b.append(&h, data.as_slice())
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            Item::Symlink(name, target) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_size(0);
                h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
                h.as_old_mut().linkname[..target.len()].copy_from_slice(target.as_bytes());
                h.set_cksum();
                b.append(&h, std::io::empty())
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            Item::Truncated(name, declared) => {
                // Written last: the header, a few bytes, then the archive simply ends.
                h.set_size(declared);
                h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
                h.set_cksum();
                let mut out = b.into_inner().unwrap_or_default();
                // Before the end-of-archive blocks the builder wrote.
                out.truncate(out.len().saturating_sub(1024));
                out.extend_from_slice(h.as_bytes());
                out.extend_from_slice(&[7u8; 100]);
                return out;
            }
        }
    }
    b.into_inner().unwrap_or_default()
}

fn codes(c: &Checked) -> BTreeSet<&'static str> {
    c.problems.iter().map(|p| p.code).collect()
}

#[test]
fn cst_6_a_good_phone_files_archive_is_accepted() {
    let specials = "IF $MODEL4 SEQ 9608 GOTO 96X1SPECIALS\nIF $MODEL4 SEQ 9611 GOTO SMALL\n\
IF $MODEL4 SEQ J179 GOTO J1X9SPECIALS\nIF $MODEL4 SEQ K175 GOTO K1XXSPECIALS\nGOTO GENERALSPECIALS\n\
# 96X1SPECIALS\nSET SCREENSAVER 9600_saver.jpg\nGOTO GENERALSPECIALS\n# SMALL\nSET SCREENSAVER 9611_saver.jpg\n\
GOTO GENERALSPECIALS\n# J1X9SPECIALS\nSET BACKGROUND_IMAGE \"J100_back.jpg\"\nGOTO GENERALSPECIALS\n\
# K1XXSPECIALS\nSET BRANDING_FILE \"acme_logo.png\"\nSET LOGOS \"ACME=acme_k.png\"\nGOTO GENERALSPECIALS\n\
# GENERALSPECIALS\nSET ADMIN_PASSWORD 1234\n";
    let t = tar_of(vec![
        Item::File("46xxspecials.txt", specials.as_bytes().to_vec()),
        Item::File("9600_saver.jpg", jpeg(320, 160, 2000)),
        Item::File("9611_saver.jpg", jpeg(160, 160, 2000)),
        Item::File("J100_back.jpg", jpeg(320, 240, 5000)),
        Item::File("acme_logo.png", png(142, 56)),
        Item::File("acme_k.png", png(1280, 800)),
    ]);
    let c = check(PHONE_FILES, &t);
    assert!(c.accepted(), "{:?}", c.problems);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
}

/// One archive, a dozen and more distinct defects: each is reported, with its own code.
#[test]
fn cst_6_every_problem_of_an_archive_is_reported_at_once() {
    let specials = "IF $MODEL4 SEQ 9608 GOTO 96X1SPECIALS\nIF $MODEL4 SEQ J189 GOTO JSPECIALS\n\
GOTO GENERALSPECIALS\nSET LOST 1\n# 96X1SPECIALS\nSET SCREENSAVER wrong_size.jpg\nSET SCREENSAVER logo.png\n\
GOTO NOWHERE\n# JSPECIALS\nSET BACKGROUND_IMAGE \"big.jpg\"\n\
SET SCREENSAVER_IMAGE \"a.jpg,b.jpg,c.jpg,d.jpg,e.jpg,f.jpg\"\nSET BACKGROUND_IMAGE_SECONDARY missing.jpg\n\
PRINT hello\n# GENERALSPECIALS\n# GENERALSPECIALS\n";
    let t = tar_of(vec![
        Item::File("46xxspecials.txt", specials.as_bytes().to_vec()),
        Item::File("46xxsettings.txt", b"SET X 1\n".to_vec()),
        Item::File("J100_firmware.bin", vec![0u8; 100]),
        Item::File("my_saver.jpg", jpeg(320, 160, 500)),
        Item::File("wrong_size.jpg", jpeg(100, 100, 500)),
        Item::File("logo.png", png(320, 160)),
        Item::File("big.jpg", jpeg(800, 480, 200 * 1024)),
        Item::File("bad name.txt", b"x".to_vec()),
        Item::RawName(b"../../etc/cron.d/evil", b"* * * * * root sh".to_vec()),
        Item::Symlink("passwd", "/etc/passwd"),
        Item::File("a.jpg", jpeg(800, 480, 500)),
        Item::File("b.jpg", jpeg(800, 480, 500)),
    ]);
    let c = check(PHONE_FILES, &t);
    assert!(!c.accepted());
    let found = codes(&c);
    let expected = [
        "settings-discouraged",
        "firmware",
        "bad-name",
        "unsafe-path",
        "link",
        "script-syntax",
        "script-unknown-label",
        "script-duplicate-label",
        "script-unreachable",
        "missing-image",
        "image-format",
        "image-size",
        "image-bytes",
        "too-many-images",
        "unused-image",
    ];
    for e in expected {
        assert!(found.contains(e), "{e} missing from {found:?}");
    }
    // Distinct messages: one per problem, none repeated.
    let texts: BTreeSet<String> = c.problems.iter().map(Problem::english).collect();
    assert_eq!(texts.len(), c.problems.len(), "{:?}", c.problems);
    assert!(texts.len() >= 12);
}

#[test]
fn cst_6_dangerous_archives_are_refused_without_unpacking() {
    // Huge declared size.
    let t = tar_of(vec![
        Item::File("46xxspecials.txt", b"SET A 1\n".to_vec()),
        Item::Truncated("huge.jpg", 8 * 1024 * 1024 * 1024),
    ]);
    let c = check(PHONE_FILES, &t);
    assert!(codes(&c).contains("truncated"), "{:?}", c.problems);
    assert!(!c.accepted());
    // A decompression bomb: a gzip stream of zeros expanding past the limit.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..(MAX_EXPANDED / (1024 * 1024) + 2) {
        std::io::Write::write_all(&mut gz, &zeros).unwrap_or_else(|e| panic!("{e}"));
    }
    let bomb = gz.finish().unwrap_or_default();
    assert!((bomb.len() as u64) < MAX_FILE);
    let c = check(PHONE_FILES, &bomb);
    assert_eq!(codes(&c), BTreeSet::from(["expands-too-much"]));
    // A zip file under a tar's name, and garbage.
    let c = check(TEMPLATES, b"PK\x03\x04 and the rest of a zip file, long enough to be read as one........................................................................................................................................................................................................................................................................................................................................................................................................................................................................................");
    assert_eq!(codes(&c), BTreeSet::from(["not-archive"]));
    // Over 10 MB: refused before anything is read.
    let c = check(PHONE_FILES, &vec![0u8; MAX_FILE as usize + 1]);
    assert_eq!(codes(&c), BTreeSet::from(["too-large"]));
}

#[test]
fn cst_2_templates_are_at_most_four_well_formed_xml_files() {
    let ok = b"<template><name>ITSP</name></template>".to_vec();
    let t = tar_of(vec![
        Item::File("a.xml", ok.clone()),
        Item::File("b.xml", ok.clone()),
        Item::File("c.xml", ok.clone()),
        Item::File("d.xml", ok.clone()),
    ]);
    assert!(check(TEMPLATES, &t).problems.is_empty());
    let t = tar_of(vec![
        Item::File("a.xml", ok.clone()),
        Item::File("b.xml", b"<template><name>x</template>".to_vec()),
        Item::File("c.xml", ok.clone()),
        Item::File("d.xml", ok.clone()),
        Item::File("e.xml", ok),
        Item::File("readme.txt", b"x".to_vec()),
    ]);
    let found = codes(&check(TEMPLATES, &t));
    assert_eq!(
        found,
        BTreeSet::from(["xml", "too-many-templates", "not-template"])
    );
}

#[test]
fn cst_5_custom_data_follows_its_schema() {
    let good = b"<customdata><security><centralmgmt>1</centralmgmt><remoteupgrade>0</remoteupgrade></security>\
<vmpro><backupmailboxes>1</backupmailboxes></vmpro></customdata>";
    assert_eq!(
        custom_data_settings(good).ok(),
        Some(vec![
            ("centralmgmt", true),
            ("remoteupgrade", false),
            ("backupmailboxes", true)
        ])
    );
    let bad = b"<customdata><security><centralmgmt>yes</centralmgmt><telnet>1</telnet></security></customdata>";
    let found = codes(&check(CUSTOM_DATA, bad));
    assert_eq!(
        found,
        BTreeSet::from(["custom-data-value", "custom-data-element"])
    );
    assert_eq!(
        codes(&check(CUSTOM_DATA, b"<customdata><security>")),
        BTreeSet::from(["xml"])
    );
    // Another name is kept with a warning: systems do not use it.
    let c = check("CustomPhoneFiles-old.tar", b"anything");
    assert!(c.accepted());
    assert_eq!(codes(&c), BTreeSet::from(["unused-name"]));
}
