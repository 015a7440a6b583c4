use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Whether Nomad answers, as the start page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NomadConnection {
    pub address: String,
    pub region: Option<String>,
    pub leader: Option<String>,
    pub error: Option<String>,
}

#[server(output = JsonText)]
pub async fn nomad_status() -> Result<NomadConnection, ServerFnError> {
    let client = expect_context::<crate::nomad::client::NomadClient>();
    let (leader, error) = match client.status_leader().await {
        Ok(leader) => (Some(leader), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(NomadConnection {
        address: client.address().to_string(),
        region: client.region().map(str::to_string),
        leader,
        error,
    })
}
