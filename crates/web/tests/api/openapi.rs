//! The OpenAPI document describes every endpoint and schema.

use crate::helpers::spawn_app;
use baoxiu_domain::CommandName;

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint_and_schema() {
    let app = spawn_app().await;
    let doc = app
        .send(app.client.get(format!("{}/api/openapi.json", app.base)))
        .await;
    assert_eq!(doc.status, 200);
    let body = doc.body;
    assert!(body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = body["paths"].as_object().unwrap();
    assert!(paths["/api/v1/orders"]["post"].is_object());
    assert!(paths["/api/v1/orders"]["get"].is_object());
    assert!(paths["/api/v1/orders/{id}"]["get"].is_object());
    for name in CommandName::ALL {
        let path = format!("/api/v1/orders/{{id}}/{}", name.as_str());
        let op = &paths
            .get(&path)
            .unwrap_or_else(|| panic!("{path} is not documented"))["post"];
        let schema = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap();
        let schema = schema.trim_start_matches("#/components/schemas/");
        assert!(
            body["components"]["schemas"][schema].is_object(),
            "{path}: schema {schema} missing"
        );
    }
    for schema in [
        "OrderView",
        "OrderList",
        "CreateOrder",
        "ErrorBody",
        "EventRecord",
        "State",
        "Customer",
    ] {
        assert!(
            body["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
    assert!(body["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn every_documented_command_is_routed() {
    let app = spawn_app().await;
    let desk = app.org.token("desk");
    for name in CommandName::ALL {
        // An unknown order: a routed command answers 404 "no such order", not 405 or 400.
        let res = app
            .command(
                desk,
                "01a21b90-e5ef-7e27-a594-7752c76df75e",
                name.as_str(),
                serde_json::json!({}),
            )
            .await;
        assert!(
            res.status == 404 || res.status == 422,
            "{}: {:?}",
            name.as_str(),
            res.body
        );
    }
}

/// Checked once against `openapi-spec-validator` (PyPI) by hand; this keeps the rule it
/// caught: every parameter of every operation says its type.
#[tokio::test]
async fn every_parameter_in_the_document_has_a_schema() {
    let app = spawn_app().await;
    let doc = app
        .send(app.client.get(format!("{}/api/openapi.json", app.base)))
        .await
        .body;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                assert!(
                    parameter.get("schema").is_some() || parameter.get("content").is_some(),
                    "{method} {path}: parameter {} has no schema",
                    parameter["name"]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} parameters found");
}
