//! OData URL grammar the emulator understands: percent-decoding, query options (`$select`,
//! `$filter`, `$orderby`, `$top`, `$count`), filter expressions, string literals with `''`
//! escaping, and the `Prefer` header. Syntax only: checking names against a table is the
//! caller's job ([`crate::webapi`]).

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::guid::Guid;

/// Decodes `%XX` escapes (and `+` as a space, as ASP.NET does in query strings).
pub fn percent_decode(text: &str, plus_as_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let hex = text.get(index + 1..index + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                index += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                index += 1;
            }
            byte => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Splits and decodes a raw query string into name/value pairs.
pub fn parse_query(raw: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut pairs = Vec::new();
    for part in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = part.split_once('=').unwrap_or((part, ""));
        let name = percent_decode(name, true).ok_or_else(ApiError::query_syntax)?;
        let value = percent_decode(value, true).ok_or_else(ApiError::query_syntax)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// The query options of one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueryOptions {
    /// `$select` property names, if given.
    pub select: Option<Vec<String>>,
    /// `$filter`, if given.
    pub filter: Option<Filter>,
    /// `$orderby` terms: property and whether descending.
    pub orderby: Vec<(String, bool)>,
    /// `$top`.
    pub top: Option<usize>,
    /// `$count=true`.
    pub count: bool,
    /// `$expand` items, in order.
    pub expand: Vec<Expand>,
}

/// One `$expand` item: a navigation property and the `$select` inside its parentheses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expand {
    /// Navigation property name.
    pub nav: String,
    /// `$select` of the expanded records, if given.
    pub select: Option<Vec<String>>,
}

/// Parses `nav`, `nav($select=a,b)`, and comma-separated lists of them. Query options inside the
/// parentheses other than `$select` are not implemented (501).
pub fn parse_expand(value: &str) -> Result<Vec<Expand>, ApiError> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut pieces = Vec::new();
    for (index, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or_else(ApiError::query_syntax)?,
            ',' if depth == 0 => {
                pieces.push(&value[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(ApiError::query_syntax());
    }
    pieces.push(&value[start..]);
    for piece in pieces {
        let piece = piece.trim();
        let (nav, inner) = match piece.find('(') {
            Some(open) => {
                let inner = piece[open + 1..]
                    .strip_suffix(')')
                    .ok_or_else(ApiError::query_syntax)?;
                (&piece[..open], Some(inner))
            }
            None => (piece, None),
        };
        if !is_identifier(nav) {
            return Err(ApiError::query_syntax());
        }
        let mut select = None;
        for option in inner.into_iter().flat_map(|i| i.split(';')) {
            let (name, value) = option.split_once('=').ok_or_else(ApiError::query_syntax)?;
            match name.trim() {
                "$select" if select.is_none() => select = Some(parse_select(value)?),
                "$select" => {
                    return Err(ApiError::new(
                        400,
                        "0x80060888",
                        "Query option '$select' was specified more than once, but it must be specified at most once.",
                    ))
                }
                other if other.starts_with('$') => {
                    return Err(ApiError::not_implemented(&format!(
                        "The query option '{other}' inside $expand"
                    )))
                }
                _ => return Err(ApiError::query_syntax()),
            }
        }
        items.push(Expand {
            nav: nav.to_string(),
            select,
        });
    }
    Ok(items)
}

impl QueryOptions {
    /// Reads the system query options; unknown `$` options are errors, as in Dataverse.
    pub fn parse(pairs: &[(String, String)]) -> Result<QueryOptions, ApiError> {
        let mut options = QueryOptions::default();
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in pairs {
            if !name.starts_with('$') {
                continue;
            }
            if seen.contains(&name.as_str()) {
                return Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!("Query option '{name}' was specified more than once, but it must be specified at most once."),
                ));
            }
            seen.push(name);
            match name.as_str() {
                "$select" => options.select = Some(parse_select(value)?),
                "$filter" => options.filter = Some(Filter::parse(value)?),
                "$orderby" => options.orderby = parse_orderby(value)?,
                "$top" => {
                    let top = value.trim().parse::<usize>().map_err(|_| {
                        ApiError::new(
                            400,
                            "0x80060888",
                            format!("Invalid value '{value}' for $top query option found. The $top query option requires a non-negative integer value."),
                        )
                    })?;
                    options.top = Some(top);
                }
                "$count" => match value.as_str() {
                    "true" => options.count = true,
                    "false" => options.count = false,
                    _ => {
                        return Err(ApiError::new(
                            400,
                            "0x80060888",
                            format!("'{value}' is not a valid count option."),
                        ))
                    }
                },
                "$expand" => options.expand = parse_expand(value)?,
                "$apply" | "$search" => {
                    return Err(ApiError::not_implemented(&format!(
                        "The query option '{name}'"
                    )))
                }
                "$skip" => {
                    return Err(ApiError::new(
                        400,
                        "0x80060888",
                        "The query parameter $skip is not supported",
                    ))
                }
                _ => {
                    return Err(ApiError::new(
                        400,
                        "0x80060888",
                        format!("The query parameter {name} is not supported"),
                    ))
                }
            }
        }
        Ok(options)
    }
}

fn parse_select(value: &str) -> Result<Vec<String>, ApiError> {
    let names: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
    if names.iter().any(|n| n.is_empty() || !is_identifier(n)) {
        return Err(ApiError::query_syntax());
    }
    Ok(names)
}

fn parse_orderby(value: &str) -> Result<Vec<(String, bool)>, ApiError> {
    let mut terms = Vec::new();
    for term in value.split(',') {
        let mut words = term.split_whitespace();
        let property = words.next().ok_or_else(ApiError::query_syntax)?;
        if !is_identifier(property) {
            return Err(ApiError::query_syntax());
        }
        let descending = match words.next() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => return Err(ApiError::query_syntax()),
        };
        if words.next().is_some() {
            return Err(ApiError::query_syntax());
        }
        terms.push((property.to_string(), descending));
    }
    Ok(terms)
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses an OData string literal `'…'` with `''` standing for one quote.
pub fn parse_string_literal(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// A literal value in a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `'text'`.
    String(String),
    /// An unquoted GUID.
    Guid(Guid),
    /// A number.
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
    /// An unquoted date-time.
    DateTime(Timestamp),
    /// `null`.
    Null,
}

impl Literal {
    /// The OData type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Literal::String(_) => "Edm.String",
            Literal::Guid(_) => "Edm.Guid",
            Literal::Number(_) => "Edm.Int32",
            Literal::Bool(_) => "Edm.Boolean",
            Literal::DateTime(_) => "Edm.DateTimeOffset",
            Literal::Null => "null",
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `eq`.
    Eq,
    /// `ne`.
    Ne,
    /// `gt`.
    Gt,
    /// `ge`.
    Ge,
    /// `lt`.
    Lt,
    /// `le`.
    Le,
}

/// A string function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringFunction {
    /// `contains(p,'x')`.
    Contains,
    /// `startswith(p,'x')`.
    StartsWith,
    /// `endswith(p,'x')`.
    EndsWith,
}

/// A `$filter` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// Does not hold.
    Not(Box<Filter>),
    /// `property op literal`.
    Compare(String, CompareOp, Literal),
    /// `fn(property, 'text')`.
    Function(StringFunction, String, String),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Literal(Literal),
    Open,
    Close,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Token>, ApiError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        match c {
            ' ' | '\t' => index += 1,
            '(' => {
                tokens.push(Token::Open);
                index += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                index += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                index += 1;
            }
            '\'' => {
                let start = index;
                index += 1;
                loop {
                    match chars.get(index) {
                        None => return Err(unterminated(text)),
                        Some('\'') if chars.get(index + 1) == Some(&'\'') => index += 2,
                        Some('\'') => {
                            index += 1;
                            break;
                        }
                        Some(_) => index += 1,
                    }
                }
                let raw: String = chars[start..index].iter().collect();
                let value = parse_string_literal(&raw).ok_or_else(|| unterminated(text))?;
                tokens.push(Token::Literal(Literal::String(value)));
            }
            _ if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                let start = index;
                while index < chars.len()
                    && (chars[index].is_ascii_alphanumeric()
                        || matches!(chars[index], '_' | '-' | ':' | '.' | '+'))
                {
                    index += 1;
                }
                let word: String = chars[start..index].iter().collect();
                tokens.push(classify(&word)?);
            }
            _ => return Err(ApiError::query_syntax()),
        }
    }
    Ok(tokens)
}

fn unterminated(text: &str) -> ApiError {
    ApiError::new(
        400,
        "0x80060888",
        format!("There is an unterminated string literal in the filter '{text}'."),
    )
}

fn classify(word: &str) -> Result<Token, ApiError> {
    if let Some(guid) = Guid::parse(word) {
        return Ok(Token::Literal(Literal::Guid(guid)));
    }
    match word {
        "true" => return Ok(Token::Literal(Literal::Bool(true))),
        "false" => return Ok(Token::Literal(Literal::Bool(false))),
        "null" => return Ok(Token::Literal(Literal::Null)),
        _ => {}
    }
    if is_identifier(word) {
        return Ok(Token::Ident(word.to_string()));
    }
    if let Ok(number) = word.parse::<f64>() {
        return Ok(Token::Literal(Literal::Number(number)));
    }
    if word.contains('T') || word.len() == 10 {
        if let Some(timestamp) = Timestamp::parse(word) {
            return Ok(Token::Literal(Literal::DateTime(timestamp)));
        }
    }
    Err(ApiError::new(
        400,
        "0x80060888",
        format!("Syntax error at position 0 in '{word}'."),
    ))
}

struct Parser {
    tokens: Vec<Token>,
    position: usize,
}

impl Filter {
    /// Parses a `$filter` value.
    pub fn parse(text: &str) -> Result<Filter, ApiError> {
        let mut parser = Parser {
            tokens: tokenize(text)?,
            position: 0,
        };
        let filter = parser.or_expr()?;
        if parser.position != parser.tokens.len() {
            return Err(ApiError::query_syntax());
        }
        Ok(filter)
    }

    /// Every property name the filter mentions.
    pub fn properties(&self) -> Vec<&str> {
        match self {
            Filter::And(a, b) | Filter::Or(a, b) => {
                let mut names = a.properties();
                names.extend(b.properties());
                names
            }
            Filter::Not(inner) => inner.properties(),
            Filter::Compare(p, _, _) | Filter::Function(_, p, _) => vec![p.as_str()],
        }
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Token::Ident(w)) if w == word) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn or_expr(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            let right = self.and_expr()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Filter, ApiError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ApiError> {
        if self.keyword("not") {
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or_expr()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(ApiError::query_syntax()),
                }
            }
            Some(Token::Ident(name)) => {
                if matches!(self.peek(), Some(Token::Open)) {
                    return self.function(&name);
                }
                let op = match self.next() {
                    Some(Token::Ident(op)) => match op.as_str() {
                        "eq" => CompareOp::Eq,
                        "ne" => CompareOp::Ne,
                        "gt" => CompareOp::Gt,
                        "ge" => CompareOp::Ge,
                        "lt" => CompareOp::Lt,
                        "le" => CompareOp::Le,
                        _ => return Err(ApiError::query_syntax()),
                    },
                    _ => return Err(ApiError::query_syntax()),
                };
                match self.next() {
                    Some(Token::Literal(value)) => Ok(Filter::Compare(name, op, value)),
                    _ => Err(ApiError::query_syntax()),
                }
            }
            _ => Err(ApiError::query_syntax()),
        }
    }

    fn function(&mut self, name: &str) -> Result<Filter, ApiError> {
        let function = match name {
            "contains" => StringFunction::Contains,
            "startswith" => StringFunction::StartsWith,
            "endswith" => StringFunction::EndsWith,
            _ => {
                return Err(ApiError::new(
                    400,
                    "0x80060888",
                    format!("An unknown function with name '{name}' was found."),
                ))
            }
        };
        let (Some(Token::Open), Some(Token::Ident(property)), Some(Token::Comma)) =
            (self.next(), self.next(), self.next())
        else {
            return Err(ApiError::query_syntax());
        };
        let (Some(Token::Literal(Literal::String(text))), Some(Token::Close)) =
            (self.next(), self.next())
        else {
            return Err(ApiError::query_syntax());
        };
        Ok(Filter::Function(function, property, text))
    }
}

/// What a request asked for in its `Prefer` header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Preferences {
    /// `return=representation`.
    pub return_representation: bool,
    /// `odata.include-annotations` covering `OData.Community.Display.V1.FormattedValue`.
    pub formatted_values: bool,
    /// `odata.include-annotations` covering `Microsoft.Dynamics.CRM.lookuplogicalname`.
    pub lookup_annotations: bool,
    /// `odata.continue-on-error` (for `$batch`).
    pub continue_on_error: bool,
}

impl Preferences {
    /// Reads every `Prefer` header value given.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Preferences {
        let mut prefs = Preferences::default();
        for value in values {
            for item in split_preferences(value) {
                let item = item.trim();
                let (name, setting) = item.split_once('=').unwrap_or((item, ""));
                let setting = setting.trim().trim_matches('"');
                match name.trim() {
                    "return" if setting == "representation" => prefs.return_representation = true,
                    "odata.continue-on-error" => prefs.continue_on_error = true,
                    "odata.include-annotations" => {
                        for pattern in setting.split(',').map(str::trim) {
                            if annotation_matches(
                                pattern,
                                "OData.Community.Display.V1.FormattedValue",
                            ) {
                                prefs.formatted_values = true;
                            }
                            if annotation_matches(
                                pattern,
                                "Microsoft.Dynamics.CRM.lookuplogicalname",
                            ) {
                                prefs.lookup_annotations = true;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        prefs
    }
}

fn split_preferences(value: &str) -> Vec<&str> {
    // Commas inside a quoted annotation list do not separate preferences.
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (index, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&value[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts
}

fn annotation_matches(pattern: &str, annotation: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => annotation.starts_with(prefix),
        None => pattern == annotation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_literal_unescapes_doubled_quotes() {
        assert_eq!(
            parse_string_literal("'O''Brien'").as_deref(),
            Some("O'Brien")
        );
        assert_eq!(parse_string_literal("'O'Brien'"), None);
        assert_eq!(parse_string_literal("noquotes"), None);
    }

    #[test]
    fn parses_filter_with_guid_and_contains() {
        let filter = Filter::parse(
            "_objectid_value eq 3c2b1a00-9e8d-4c7b-8a6f-00000000c001 and contains(subject,'Resub')",
        );
        let Ok(Filter::And(left, right)) = filter else {
            panic!("expected an and, got {filter:?}");
        };
        assert!(
            matches!(*left, Filter::Compare(ref p, CompareOp::Eq, Literal::Guid(_)) if p == "_objectid_value")
        );
        assert_eq!(
            *right,
            Filter::Function(StringFunction::Contains, "subject".into(), "Resub".into())
        );
    }

    #[test]
    fn rejects_unterminated_literal_and_trailing_tokens() {
        assert_eq!(
            Filter::parse("uniquename eq 'abc").map_err(|e| e.status),
            Err(400)
        );
        assert!(Filter::parse("uniquename eq 'a' 'b'").is_err());
        assert!(Filter::parse("frobnicate(subject,'x')").is_err());
    }

    #[test]
    fn prefer_reads_representation_and_annotations_together() {
        let prefs = Preferences::parse([
            "return=representation,odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.*\"",
        ]);
        assert!(prefs.return_representation);
        assert!(prefs.formatted_values);
        assert!(prefs.lookup_annotations);
        let star = Preferences::parse(["odata.include-annotations=\"*\""]);
        assert!(star.formatted_values && star.lookup_annotations && !star.return_representation);
    }

    #[test]
    fn expand_reads_navs_and_their_select() {
        assert_eq!(
            parse_expand("systemuserroles_association($select=name,_roletemplateid_value),x"),
            Ok(vec![
                Expand {
                    nav: "systemuserroles_association".into(),
                    select: Some(vec!["name".into(), "_roletemplateid_value".into()]),
                },
                Expand {
                    nav: "x".into(),
                    select: None
                },
            ])
        );
        assert_eq!(parse_expand("a($top=1)").map_err(|e| e.status), Err(501));
        assert_eq!(
            parse_expand("a($select=name").map_err(|e| e.status),
            Err(400)
        );
    }

    #[test]
    fn query_rejects_unknown_and_repeated_options() {
        let pairs = |q: &str| parse_query(q).unwrap_or_default();
        assert!(QueryOptions::parse(&pairs("$select=a&$select=b")).is_err());
        assert!(QueryOptions::parse(&pairs("$frob=1")).is_err());
        assert_eq!(
            QueryOptions::parse(&pairs("$top=3&$orderby=createdon%20desc"))
                .map(|o| (o.top, o.orderby)),
            Ok((Some(3), vec![("createdon".to_string(), true)]))
        );
    }
}
