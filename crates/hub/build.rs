//! Build facts for the About page: the version-control revision and the build date (UTC), set
//! as PATCHBAY_REVISION and PATCHBAY_BUILD_DATE. Without git (a source archive) the revision is
//! "unknown"; SOURCE_DATE_EPOCH, when set, fixes the date for reproducible builds.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian calendar).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn main() {
    let revision = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into());
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    println!("cargo:rustc-env=PATCHBAY_REVISION={revision}");
    println!(
        "cargo:rustc-env=PATCHBAY_BUILD_DATE={}",
        civil(secs.div_euclid(86_400))
    );
    // A new commit is a new revision; otherwise the facts stay as built.
    println!("cargo:rerun-if-changed=build.rs");
    for f in [
        "../../.git/HEAD",
        "../../.git/refs/heads",
        "../../.git/packed-refs",
    ] {
        if std::path::Path::new(f).exists() {
            println!("cargo:rerun-if-changed={f}");
        }
    }
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
}
