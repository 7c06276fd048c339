//! The `46xxspecials.txt` script (CST-6): `## comment`, `# LABEL`, `IF $VAR SEQ value GOTO
//! LABEL`, `GOTO LABEL`, `SET NAME value`. Parsed into statements, checked for unknown
//! statements, labels defined twice or never, and blocks no jump reaches; the images each block
//! sets are read off the image parameters, with the phone models that reach the block.

use std::collections::{BTreeMap, BTreeSet};

/// One statement, with its line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    Label(String),
    Goto(String),
    /// `IF $var SEQ value GOTO label`.
    If {
        var: String,
        value: String,
        label: String,
    },
    Set {
        name: String,
        value: String,
    },
}

/// A problem of the script: its code, line and the value concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptProblem {
    pub code: &'static str,
    pub line: usize,
    pub value: String,
    pub error: bool,
}

/// An image a block sets: the parameter, the file, the line, and the models that reach it
/// (empty: every model, the script's fall-through).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUse {
    pub param: String,
    pub file: String,
    pub line: usize,
    pub models: BTreeSet<String>,
    /// How many images the parameter lists (J100: at most 5 per function).
    pub listed: usize,
}

/// The parameters whose values name image files.
pub const IMAGE_PARAMS: [&str; 11] = [
    "SCREENSAVER",
    "SCREENSAVER_IMAGE",
    "SCREENSAVER_IMAGE_DISPLAY",
    "SCREENSAVER_IMAGE_SECONDARY",
    "SCREENSAVER_IMAGE_DISPLAY_SECONDARY",
    "BACKGROUND_IMAGE",
    "BACKGROUND_IMAGE_DISPLAY",
    "BACKGROUND_IMAGE_SECONDARY",
    "BACKGROUND_IMAGE_DISPLAY_SECONDARY",
    "BRANDING_FILE",
    "LOGOS",
];

/// The parsed script.
#[derive(Debug, Clone, Default)]
pub struct Script {
    pub statements: Vec<(usize, Statement)>,
    pub problems: Vec<ScriptProblem>,
}

fn unquote(v: &str) -> String {
    v.trim().trim_matches('"').trim().to_string()
}

fn word_ok(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Parse and check the script.
pub fn parse(text: &str) -> Script {
    let mut s = Script::default();
    let problem = |code: &'static str, line: usize, value: &str, error: bool| ScriptProblem {
        code,
        line,
        value: value.chars().take(80).collect(),
        error,
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with("##") {
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        let stmt = match words.as_slice() {
            ["#", label] if word_ok(label) => Some(Statement::Label(label.to_string())),
            ["GOTO", label] if word_ok(label) => Some(Statement::Goto(label.to_string())),
            ["IF", var, "SEQ", value, "GOTO", label] if var.starts_with('$') && word_ok(label) => {
                Some(Statement::If {
                    var: var.to_string(),
                    value: unquote(value),
                    label: label.to_string(),
                })
            }
            ["SET", name, ..] if word_ok(name) => {
                let value = t
                    .split_once(name)
                    .map(|(_, v)| unquote(v))
                    .unwrap_or_default();
                Some(Statement::Set {
                    name: name.to_string(),
                    value,
                })
            }
            _ => None,
        };
        match stmt {
            Some(st) => s.statements.push((line, st)),
            None => s.problems.push(problem("script-syntax", line, t, true)),
        }
    }
    // Labels: defined once, every jump to a defined one.
    let mut labels: BTreeMap<&str, usize> = BTreeMap::new();
    for (line, st) in &s.statements {
        if let Statement::Label(l) = st {
            if labels.insert(l.as_str(), *line).is_some() {
                s.problems
                    .push(problem("script-duplicate-label", *line, l, true));
            }
        }
    }
    for (line, st) in &s.statements {
        let target = match st {
            Statement::Goto(l) | Statement::If { label: l, .. } => l,
            _ => continue,
        };
        if !labels.contains_key(target.as_str()) {
            s.problems
                .push(problem("script-unknown-label", *line, target, true));
        }
    }
    // Reachability: the statement after an unconditional GOTO is reached only through its label.
    let mut reachable = true;
    let mut warned = false;
    for (line, st) in &s.statements {
        match st {
            Statement::Label(l) => {
                let jumped_to = s.statements.iter().any(|(_, o)| {
                    matches!(o, Statement::Goto(t) | Statement::If { label: t, .. } if t == l)
                });
                reachable = reachable || jumped_to;
                warned = false;
                if !reachable && !warned && l != "END" {
                    s.problems
                        .push(problem("script-unreachable", *line, l, false));
                    warned = true;
                }
            }
            Statement::Goto(_) => {
                if !reachable && !warned {
                    s.problems
                        .push(problem("script-unreachable", *line, "GOTO", false));
                    warned = true;
                }
                reachable = false;
            }
            other => {
                if !reachable && !warned {
                    let what = match other {
                        Statement::Set { name, .. } => name.as_str(),
                        _ => "IF",
                    };
                    s.problems
                        .push(problem("script-unreachable", *line, what, false));
                    warned = true;
                }
            }
        }
    }
    s
}

impl Script {
    /// The models each label is reached from (`IF $MODEL4 SEQ <model> GOTO <label>`).
    fn models_by_label(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (_, st) in &self.statements {
            if let Statement::If { var, value, label } = st {
                if var.eq_ignore_ascii_case("$MODEL4") || var.eq_ignore_ascii_case("$MODEL") {
                    out.entry(label.clone())
                        .or_default()
                        .insert(value.to_ascii_uppercase());
                }
            }
        }
        out
    }

    /// Every image the script sets, with the models whose block sets it.
    pub fn images(&self) -> Vec<ImageUse> {
        let models = self.models_by_label();
        let mut current: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        for (line, st) in &self.statements {
            match st {
                Statement::Label(l) => current = models.get(l).cloned().unwrap_or_default(),
                Statement::Set { name, value } => {
                    let upper = name.to_ascii_uppercase();
                    if !IMAGE_PARAMS.contains(&upper.as_str()) {
                        continue;
                    }
                    let files: Vec<String> = value
                        .split(',')
                        .map(|f| {
                            // LOGOS: `NAME=file.jpg`.
                            let f = f.rsplit_once('=').map(|(_, f)| f).unwrap_or(f);
                            unquote(f)
                        })
                        .filter(|f| !f.is_empty())
                        .collect();
                    let listed = files.len();
                    for file in files {
                        out.push(ImageUse {
                            param: upper.clone(),
                            file,
                            line: *line,
                            models: current.clone(),
                            listed,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's example, as the vendor's guide prints it.
    pub const SEED_EXAMPLE: &str = "## CUSTOM SETTINGS\n##\nIF $MODEL4 SEQ 9608 GOTO 96X1SPECIALS\n\
IF $MODEL4 SEQ J179 GOTO J1X9SPECIALS\nGOTO GENERALSPECIALS\n##\n# 96X1SPECIALS\nSET SCREENSAVERON 40\n\
SET SCREENSAVER 9600_screen_saver.jpg\nGOTO GENERALSPECIALS\n##\n# J1X9SPECIALS\n\
SET SCREENSAVER_IMAGE \"J100_saver01.jpg,J100_saver02.jpg\"\nGOTO GENERALSPECIALS\n##\n# GENERALSPECIALS\n\
SET ADMIN_PASSWORD password\n# END\n";

    #[test]
    fn cst_6_the_seed_example_parses_cleanly() {
        let s = parse(SEED_EXAMPLE);
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        let images = s.images();
        let names: Vec<_> = images.iter().map(|i| i.file.as_str()).collect();
        assert_eq!(
            names,
            [
                "9600_screen_saver.jpg",
                "J100_saver01.jpg",
                "J100_saver02.jpg"
            ]
        );
        assert!(images[0].models.contains("9608"));
        assert!(images[1].models.contains("J179"));
        assert_eq!(images[1].listed, 2);
    }

    #[test]
    fn cst_6_script_problems_each_have_their_code_and_line() {
        let s = parse(
            "GOTO NOWHERE\nSET A 1\n# TWICE\n# TWICE\nPRINT hello\nIF $MODEL4 SEQ 9611 GOTO ALSO_NOWHERE\n",
        );
        let codes: Vec<_> = s.problems.iter().map(|p| (p.code, p.line)).collect();
        assert!(codes.contains(&("script-unknown-label", 1)), "{codes:?}");
        assert!(codes.contains(&("script-unreachable", 2)), "{codes:?}");
        assert!(codes.contains(&("script-duplicate-label", 4)), "{codes:?}");
        assert!(codes.contains(&("script-syntax", 5)), "{codes:?}");
        assert!(codes.contains(&("script-unknown-label", 6)), "{codes:?}");
    }
}
