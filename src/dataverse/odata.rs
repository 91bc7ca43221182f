//! OData query text: string literals, query options and their percent-encoding.
//!
//! One encoding point: option values are written plainly (`uniquename eq 'a b'`) and
//! encoded once when a [`Query`] is written out, so the same text is safe both in a fetch URL and
//! in a `$batch` request line (which must hold no spaces).

use crate::domain::text::decimal;
use crate::prelude::*;
use core::fmt;

/// An OData string literal: `'…'` with every `'` doubled.
pub fn literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    out.push_str(&value.replace('\'', "''"));
    out.push('\'');
    out
}

/// A resource path plus query options, e.g. `solutions?$select=version&$filter=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    path: String,
    options: Vec<(&'static str, String)>,
}

impl Query {
    /// A query on `path` (relative to the API base, e.g. `contacts(<id>)`), no options yet.
    pub fn new(path: impl Into<String>) -> Query {
        Query {
            path: path.into(),
            options: Vec::new(),
        }
    }

    /// `$select` of the given columns.
    pub fn select(self, columns: &[&str]) -> Query {
        self.option("$select", crate::domain::text::join(columns, ","))
    }

    /// `$filter` with an expression written plainly (build literals with [`literal`]).
    pub fn filter(self, expression: impl Into<String>) -> Query {
        self.option("$filter", expression.into())
    }

    /// `$orderby`, e.g. `createdon desc`.
    pub fn order_by(self, expression: impl Into<String>) -> Query {
        self.option("$orderby", expression.into())
    }

    /// `$expand`, e.g. `systemuserroles_association($select=name)`.
    pub fn expand(self, expression: impl Into<String>) -> Query {
        self.option("$expand", expression.into())
    }

    /// `$top`.
    pub fn top(self, count: u32) -> Query {
        self.option("$top", decimal(count.into()))
    }

    fn option(mut self, name: &'static str, value: String) -> Query {
        self.options.push((name, value));
        self
    }
}

impl Query {
    /// The path with its encoded options, e.g. `contacts(<id>)?$select=fullname`.
    pub fn text(&self) -> String {
        let mut out = self.path.clone();
        for (index, (name, value)) in self.options.iter().enumerate() {
            out.extend([
                if index == 0 { "?" } else { "&" },
                name,
                "=",
                &encode(value),
            ]);
        }
        out
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Percent-encodes a query option value, keeping the characters OData syntax uses.
pub fn encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~'(),:@/*".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_doubles_single_quotes() {
        assert_eq!(literal("O'Brien"), "'O''Brien'");
        assert_eq!(literal(""), "''");
    }

    #[test]
    fn solution_query_matches_the_documented_shape() {
        let query = Query::new("solutions")
            .filter(format!(
                "uniquename eq {}",
                literal("dotmailerCRMConnector")
            ))
            .select(&["uniquename", "friendlyname", "version"]);
        assert_eq!(
            query.to_string(),
            "solutions?$filter=uniquename%20eq%20'dotmailerCRMConnector'\
             &$select=uniquename,friendlyname,version"
        );
    }

    #[test]
    fn encoding_leaves_no_space_ampersand_or_hash_to_break_a_url_or_batch_line() {
        let query = Query::new("annotations")
            .filter(format!("contains(subject,{})", literal("a&b #c+d%")))
            .order_by("createdon desc")
            .top(5);
        let text = query.to_string();
        assert_eq!(
            text,
            "annotations?$filter=contains(subject,'a%26b%20%23c%2Bd%25')\
             &$orderby=createdon%20desc&$top=5"
        );
        assert!(!text.contains(' '));
    }

    #[test]
    fn non_ascii_is_encoded_as_utf8_bytes() {
        assert_eq!(encode("é"), "%C3%A9");
    }
}
