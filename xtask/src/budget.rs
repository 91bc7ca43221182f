//! The libraries' size budgets: `cargo xtask test` fails when a library's gzip size grows past
//! its budget, so that bytes are added on purpose, never by accident. A change that needs more
//! raises the budget here and says why in `docs/size.md`.
//!
//! The budgets are the sizes of the thirteenth round plus about 0.5 KB: the 60 KB target for
//! `form.js` is out of reach of the design as it is (`docs/size.md`, *The tenth round* to
//! *The thirteenth round*), so what the build holds is the line where the libraries stand, and
//! each step of the shell's move to JavaScript lowers it.

/// A library's budget: its gzip -9 size may not exceed `gzip_bytes`.
pub struct Budget {
    /// The web resource's name, as in [`crate::build::LIBRARIES`].
    pub name: &'static str,
    /// The largest gzip -9 size allowed, in bytes.
    pub gzip_bytes: usize,
}

/// The budgets of the shipped libraries.
pub const BUDGETS: [Budget; 3] = [
    Budget {
        name: crate::paths::FORM_LIBRARY,
        gzip_bytes: 86_600,
    },
    Budget {
        name: crate::paths::CONTACT_LIBRARY,
        gzip_bytes: 44_200,
    },
    Budget {
        name: crate::paths::SETUP_LIBRARY,
        gzip_bytes: 48_200,
    },
];

/// Checks each `(name, gzip size)` against its budget: every library over its budget or
/// without one is named in the error.
pub fn check(sizes: &[(&str, usize)], budgets: &[Budget]) -> Result<(), String> {
    let problems: Vec<String> = sizes
        .iter()
        .filter_map(
            |&(name, size)| match budgets.iter().find(|b| b.name == name) {
                None => Some(format!("{name} has no size budget (xtask/src/budget.rs)")),
                Some(b) if size > b.gzip_bytes => Some(format!(
                    "{name} is {size} bytes gzip, {} over its budget of {} bytes",
                    size - b.gzip_bytes,
                    b.gzip_bytes
                )),
                Some(_) => None,
            },
        )
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}; a change that needs the bytes raises the budget in xtask/src/budget.rs and says \
             why in docs/size.md",
            problems.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGETS: [Budget; 2] = [
        Budget {
            name: "a.js",
            gzip_bytes: 1_000,
        },
        Budget {
            name: "b.js",
            gzip_bytes: 2_000,
        },
    ];

    #[test]
    fn libraries_within_their_budgets_pass() {
        assert_eq!(check(&[("a.js", 1_000), ("b.js", 10)], &BUDGETS), Ok(()));
    }

    #[test]
    fn a_library_over_its_budget_is_named_with_both_sizes() {
        let error = check(&[("a.js", 999), ("b.js", 2_345)], &BUDGETS).unwrap_err();
        assert!(
            error.starts_with("b.js is 2345 bytes gzip, 345 over its budget of 2000 bytes;"),
            "{error}"
        );
        assert!(!error.contains("a.js"), "{error}");
    }

    #[test]
    fn a_library_without_a_budget_fails() {
        let error = check(&[("c.js", 1)], &BUDGETS).unwrap_err();
        assert!(error.starts_with("c.js has no size budget"), "{error}");
    }

    #[test]
    fn every_shipped_library_has_a_budget() {
        for library in crate::build::LIBRARIES {
            assert!(
                super::BUDGETS.iter().any(|b| b.name == library.name),
                "{} has no budget",
                library.name
            );
        }
    }
}
