//! `/healthz`: the process is up. `/readyz`: Nomad answers and the console is not
//! saturated (every render slot busy with requests queued behind them), so a load
//! balancer sends new users to a replica that can serve them now.

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
    pub renders_in_progress: usize,
    pub renders_waiting: usize,
    pub renders_max: usize,
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let nomad_address = state.nomad.address().to_string();
    let leader = state.nomad.status_leader().await;
    let limit = &state.renders;
    let (in_progress, waiting, max) = (limit.in_use(), limit.waiting(), limit.max());
    let mut readiness = Readiness {
        ready: false,
        nomad_address,
        leader: None,
        reason: None,
        renders_in_progress: in_progress,
        renders_waiting: waiting,
        renders_max: max,
    };
    match leader {
        Err(e) => readiness.reason = Some(e.to_string()),
        Ok(leader) => {
            readiness.leader = Some(leader);
            if in_progress >= max && waiting > 0 {
                readiness.reason =
                    Some(format!("saturated: all {max} render slots are busy and {waiting} requests wait for one"));
            } else {
                readiness.ready = true;
            }
        }
    }
    let status = if readiness.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(readiness))
}

/// Why the console should get no new users now, if it should not: every render slot
/// is busy and requests already wait behind them.
pub fn saturation(in_progress: usize, waiting: usize, max: usize) -> Option<String> {
    (in_progress >= max && waiting > 0)
        .then(|| format!("saturated: all {max} render slots are busy and {waiting} requests wait for one"))
}

#[cfg(test)]
mod tests {
    use super::saturation;

    #[test]
    fn saturated_only_when_requests_queue_behind_full_slots() {
        assert_eq!(saturation(0, 0, 8), None);
        assert_eq!(saturation(8, 0, 8), None, "busy but nobody waits");
        assert_eq!(saturation(7, 3, 8), None, "a slot is free (the waiters are about to take it)");
        let reason = saturation(8, 3, 8).expect("saturated");
        assert!(reason.contains("all 8 render slots") && reason.contains("3 requests"), "{reason}");
    }
}
