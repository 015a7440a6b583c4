//! `/healthz`: the process is up. `/readyz`: Nomad answers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

#[derive(Debug, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub nomad_address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let nomad_address = state.nomad.address().to_string();
    match state.nomad.status_leader().await {
        Ok(leader) => {
            (StatusCode::OK, Json(Readiness { ready: true, nomad_address, leader: Some(leader), reason: None }))
        }
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness { ready: false, nomad_address, leader: None, reason: Some(e.to_string()) }),
        ),
    }
}
