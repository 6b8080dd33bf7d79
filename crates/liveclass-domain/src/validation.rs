//! The error every parser of an input value returns.

use std::fmt;

/// An input value was refused. `field` is the API's name for it (camelCase),
/// so the HTTP layer can tell the client exactly what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Parses an opaque identifier taken from a token or a body: 1..=128 chars,
/// no control characters, no surrounding white space.
pub(crate) fn opaque_id(field: &'static str, raw: &str) -> Result<String, ValidationError> {
    if raw.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    if raw.chars().count() > 128 {
        return Err(ValidationError::new(
            field,
            "must be at most 128 characters",
        ));
    }
    if raw.trim() != raw || raw.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters or surrounding white space",
        ));
    }
    Ok(raw.to_owned())
}
