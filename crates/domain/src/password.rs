//! OPR-2: operator password policy. History checks need the stored hashes, so the store applies
//! them with [`check_policy`] first.

use crate::validation::{char_len, Rule};

pub const MIN_LEN: usize = 9;
pub const MAX_LEN: usize = 31;

/// Which of the four character classes a password uses.
pub fn classes(password: &str) -> usize {
    let upper = password.chars().any(|c| c.is_uppercase());
    let lower = password.chars().any(|c| c.is_lowercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let special = password
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    [upper, lower, digit, special]
        .into_iter()
        .filter(|b| *b)
        .count()
}

/// 9–31 characters, at least two classes among upper, lower, digit, special.
pub fn check_policy(password: &str) -> Result<(), Rule> {
    let n = char_len(password);
    if n == 0 {
        return Err(Rule::Required);
    }
    if !(MIN_LEN..=MAX_LEN).contains(&n) {
        return Err(Rule::LengthBetween {
            min: MIN_LEN,
            max: MAX_LEN,
        });
    }
    if classes(password) < 2 {
        return Err(Rule::PasswordClasses);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opr_2_length_bounds() {
        assert_eq!(
            check_policy("Abcdefg1"),
            Err(Rule::LengthBetween { min: 9, max: 31 })
        );
        assert_eq!(check_policy("Abcdefgh1"), Ok(()));
        let long = format!("A{}", "b".repeat(30));
        assert_eq!(check_policy(&long), Ok(()));
        let too_long = format!("A{}", "b".repeat(31));
        assert!(check_policy(&too_long).is_err());
        assert_eq!(check_policy(""), Err(Rule::Required));
    }

    #[test]
    fn opr_2_two_classes_required() {
        assert_eq!(check_policy("abcdefghij"), Err(Rule::PasswordClasses));
        assert_eq!(check_policy("ABCDEFGHIJ"), Err(Rule::PasswordClasses));
        assert_eq!(check_policy("1234567890"), Err(Rule::PasswordClasses));
        assert_eq!(check_policy("abcdefghi!"), Ok(()));
        assert_eq!(check_policy("123456789a"), Ok(()));
        assert_eq!(check_policy("ÉCOLEécole1"), Ok(()));
    }
}
