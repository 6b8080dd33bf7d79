//! The OpenAPI document against the error catalogue: every operation
//! documents the errors its shape implies (token, body, id, query, default),
//! and every code of the catalogue is documented somewhere.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use liveclass_http::ErrorCode;
use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(&liveclass_http::openapi::document_json()).unwrap()
}

/// Every operation as `(method path, operation)`.
fn operations(doc: &Value) -> Vec<(String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((format!("{} {path}", method.to_uppercase()), op.clone()));
        }
    }
    ops
}

/// The codes an operation documents under `key` (a status or `default`).
fn codes(op: &Value, key: &str) -> BTreeSet<String> {
    op["responses"][key]["x-error-codes"]
        .as_array()
        .map(|a| a.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn all_codes(op: &Value) -> BTreeSet<(String, String)> {
    op["responses"]
        .as_object()
        .unwrap()
        .keys()
        .flat_map(|key| codes(op, key).into_iter().map(move |c| (key.clone(), c)))
        .collect()
}

fn documents(op: &Value, status: u16, code: ErrorCode) -> bool {
    codes(op, &status.to_string()).contains(code.as_str())
}

#[test]
fn every_operation_documents_the_errors_its_shape_implies() {
    let doc = document();
    for (name, op) in operations(&doc) {
        for code in [ErrorCode::InternalError, ErrorCode::DatabaseUnavailable] {
            assert!(
                codes(&op, "default").contains(code.as_str()),
                "{name}: no `default` response with {code}"
            );
        }
        let bearer = op["security"]
            .as_array()
            .is_some_and(|reqs| reqs.iter().any(|r| r.get("bearer").is_some()));
        if bearer {
            for code in [
                ErrorCode::MissingToken,
                ErrorCode::InvalidToken,
                ErrorCode::TokenExpired,
            ] {
                assert!(documents(&op, 401, code), "{name}: 401 {code} undocumented");
            }
        }
        if op.get("requestBody").is_some() {
            for (status, code) in [
                (400, ErrorCode::InvalidBody),
                (413, ErrorCode::PayloadTooLarge),
                (415, ErrorCode::UnsupportedMediaType),
            ] {
                assert!(
                    documents(&op, status, code),
                    "{name}: {status} {code} undocumented"
                );
            }
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let has_path_id = params
            .iter()
            .any(|p| p["in"] == "path" && p["schema"]["format"] == "uuid");
        if has_path_id {
            assert!(
                documents(&op, 400, ErrorCode::InvalidId),
                "{name}: 400 invalid_id undocumented"
            );
        }
        if params.iter().any(|p| p["in"] == "query") {
            assert!(
                documents(&op, 400, ErrorCode::InvalidQuery),
                "{name}: 400 invalid_query undocumented"
            );
        }
        // Each documented code sits under its own status (or `default`),
        // class_cancelled being the one code answered with two statuses.
        for (key, code) in all_codes(&op) {
            let code = ErrorCode::ALL
                .iter()
                .find(|c| c.as_str() == code)
                .unwrap_or_else(|| panic!("{name}: unknown code {code}"));
            let usual = code.status().as_u16().to_string();
            assert!(
                key == usual || key == "default" || *code == ErrorCode::ClassCancelled,
                "{name}: {code} documented under {key}, answered with {usual}"
            );
        }
    }
}

#[test]
fn every_code_of_the_catalogue_is_documented() {
    let doc = document();
    let documented: BTreeSet<String> = operations(&doc)
        .iter()
        .flat_map(|(_, op)| all_codes(op).into_iter().map(|(_, c)| c))
        .collect();
    // Answered before any operation is found: unknown route or method, and
    // requests actix refuses before routing.
    let global = [
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::BadRequest,
        ErrorCode::UriTooLong,
        ErrorCode::RequestTimeout,
        ErrorCode::HeadersTooLarge,
    ];
    for code in ErrorCode::ALL {
        assert!(
            documented.contains(code.as_str()) || global.contains(code),
            "{code} is in the catalogue but no operation documents it"
        );
    }
    let schema = &doc["components"]["schemas"]["ErrorCode"]["enum"];
    let listed: BTreeSet<&str> = schema
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let all: BTreeSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, all, "ErrorBody.code's enum is the catalogue");
    assert_eq!(
        doc["components"]["schemas"]["ErrorBody"]["properties"]["code"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
}
