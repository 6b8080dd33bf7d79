//! What the whole OpenAPI document promises beyond single operations: a
//! server, the `x-request-id` header on every answer, the calendar feeds'
//! token as a security scheme, an explicit `security` on every operation,
//! UUID ids and required always-sent fields in the answers. The external
//! tools (`make contract`) check the document against a running server.

#![allow(clippy::unwrap_used)]

use serde_json::Value;

fn document() -> Value {
    serde_json::from_str(&liveclass_http::openapi::document_json()).unwrap()
}

fn operations(doc: &Value) -> Vec<(String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((format!("{} {path}", method.to_uppercase()), op.clone()));
        }
    }
    ops
}

#[test]
fn the_document_names_a_server_and_every_answer_its_request_id() {
    let doc = document();
    assert_eq!(doc["servers"][0]["url"], "/");
    for (name, op) in operations(&doc) {
        assert!(op["security"].is_array(), "{name}: no explicit security");
        for (status, response) in op["responses"].as_object().unwrap() {
            assert_eq!(
                response["headers"]["x-request-id"]["schema"]["format"], "uuid",
                "{name} {status}: no x-request-id header"
            );
        }
    }
}

#[test]
fn calendar_feeds_are_opened_by_their_query_token_scheme() {
    let doc = document();
    let scheme = &doc["components"]["securitySchemes"]["calendarToken"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "query");
    assert_eq!(scheme["name"], "token");
    for path in ["/calendar/me.ics", "/calendar/courses/{courseId}.ics"] {
        let op = &doc["paths"][path]["get"];
        assert!(
            op["security"][0].get("calendarToken").is_some(),
            "{path}: {}",
            op["security"]
        );
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        assert!(
            params.iter().all(|p| p["name"] != "token"),
            "{path}: token is both a parameter and a scheme"
        );
    }
}

#[test]
fn the_event_stream_is_opened_by_a_bearer_or_its_query_token_scheme() {
    let doc = document();
    let scheme = &doc["components"]["securitySchemes"]["streamToken"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "query");
    assert_eq!(scheme["name"], "token");
    let op = &doc["paths"]["/live-classes/{liveClassId}/events"]["get"];
    assert!(
        op["security"][0].get("bearer").is_some(),
        "{}",
        op["security"]
    );
    assert!(
        op["security"][1].get("streamToken").is_some(),
        "{}",
        op["security"]
    );
    let params = op["parameters"].as_array().cloned().unwrap_or_default();
    assert!(params.iter().all(|p| p["name"] != "token"));
    assert!(params.iter().any(|p| p["name"] == "lastEventId"));
    let content = &op["responses"]["200"]["content"];
    assert!(content.get("application/json").is_some(), "{content}");
    assert!(content.get("text/event-stream").is_some(), "{content}");
}

#[test]
fn answers_declare_uuid_ids_and_require_what_is_always_sent() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let optional = ["hostUrl", "token", "tokenExpiresAt"];
    // The room is shown only to its creator and to admitted users; who
    // chose what only to moderators of a named poll. A provider account
    // carries the settings object of its kind only. The caller's unread
    // count is in the class list and details only; a seed-003 interaction
    // carries the part of the resource it maps onto only.
    let optional_in = [
        ("ClassResponse", "joinUrl"),
        ("ClassResponse", "unreadMessages"),
        ("InteractionResponse", "position"),
        ("InteractionResponse", "poll"),
        ("InteractionResponse", "reactionCounts"),
        ("PollResponse", "ballots"),
        ("ProviderAccountResponse", "zoom"),
        ("ProviderAccountResponse", "daily"),
        ("ProviderAccountResponse", "jitsi"),
    ];
    for (name, schema) in schemas
        .iter()
        .filter(|(n, _)| n.ends_with("Response") && !n.ends_with("DetailsResponse"))
    {
        let props = schema["properties"].as_object().unwrap();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        for key in props.keys() {
            assert!(
                required.contains(&key.as_str())
                    || optional.contains(&key.as_str())
                    || optional_in.contains(&(name.as_str(), key.as_str())),
                "{name}.{key} is always sent but not required"
            );
        }
        for key in ["id", "liveClassId", "scheduleId"] {
            if let Some(prop) = props.get(key) {
                assert_eq!(prop["format"], "uuid", "{name}.{key}");
            }
        }
    }
}

#[test]
fn links_lead_from_created_resources_to_operations_that_exist() {
    let doc = document();
    let ids: Vec<String> = operations(&doc)
        .iter()
        .filter_map(|(_, op)| op["operationId"].as_str().map(str::to_owned))
        .collect();
    let links = doc["paths"]["/live-classes"]["post"]["responses"]["201"]["links"]
        .as_object()
        .unwrap();
    assert!(links.contains_key("start_class"), "{links:?}");
    for (name, link) in links {
        let target = link["operationId"].as_str().unwrap();
        assert!(ids.iter().any(|id| id == target), "{name}: {target}");
        assert!(link.get("operation_id").is_none(), "{name}");
    }
}
