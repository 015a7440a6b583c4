//! State file: JSON, written atomically (temp file in the same directory + rename)
//! after every write.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::state::State;

/// Loads the state file. `Ok(None)` when it does not exist; any other problem
/// (unreadable, not JSON, inconsistent) is an error naming the path.
pub fn load(path: &Path) -> anyhow::Result<Option<State>> {
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(anyhow::anyhow!("cannot read devnomad state file {}: {e}", path.display()));
        }
    };
    let corrupt = |why: &str| {
        anyhow::anyhow!("devnomad state file {} is corrupt ({why}); fix or remove it to start fresh", path.display())
    };
    let value: serde_json::Value = serde_json::from_slice(&data).map_err(|e| corrupt(&format!("not JSON: {e}")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some("devnomad-acl-state") {
        return Err(corrupt("missing format marker \"devnomad-acl-state\""));
    }
    let mut state: State = serde_json::from_value(value).with_context(|| {
        format!(
            "devnomad state file {} is corrupt (not a valid state document); fix or remove it to start fresh",
            path.display()
        )
    })?;
    state.check().map_err(|e| {
        anyhow::anyhow!("devnomad state file {} is corrupt ({e}); fix or remove it to start fresh", path.display())
    })?;
    state.rebuild();
    Ok(Some(state))
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "state".into());
    let tmp = format!(".{name}.tmp-{}", std::process::id());
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(tmp),
        _ => PathBuf::from(tmp),
    }
}

/// Writes the state atomically.
pub fn save(path: &Path, state: &State) -> std::io::Result<()> {
    // Human-readable for demo-sized states; compact for benchmark-sized ones.
    let data = if state.tokens.len() <= 2000 { serde_json::to_vec_pretty(state) } else { serde_json::to_vec(state) }
        .map_err(std::io::Error::other)?;
    let tmp = temp_path(path);
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&data)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// `<dir of state file>/acl-bootstrap-reset`, the double's equivalent of
/// `<data_dir>/acl-bootstrap-reset`. Returns the number in it, if any.
pub fn read_bootstrap_reset(state_file: Option<&Path>) -> Option<u64> {
    let dir = state_file?.parent()?;
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let raw = std::fs::read_to_string(dir.join("acl-bootstrap-reset")).ok()?;
    // Go: fmt.Sscanf("%d") — leading integer.
    let t = raw.trim_start();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nomad_acl_core::models::{AclPolicy, AclToken, SecretId};

    #[test]
    fn round_trip_and_corrupt_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(load(&path).unwrap().is_none());

        let mut s = State::new();
        let idx = s.next_index();
        s.policies.insert(
            "p".into(),
            AclPolicy { name: "p".into(), create_index: idx, modify_index: idx, ..Default::default() },
        );
        s.tables.acl_policy = idx;
        let idx = s.next_index();
        let t = AclToken {
            accessor_id: "11111111-2222-3333-4444-555555555555".into(),
            secret_id: SecretId::new("66666666-2222-3333-4444-555555555555".into()),
            token_type: "management".into(),
            create_time: time::OffsetDateTime::now_utc(),
            create_index: idx,
            modify_index: idx,
            ..Default::default()
        };
        s.put_token(t.clone());
        s.tables.acl_token = idx;
        save(&path, &s).unwrap();

        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.index, s.index);
        assert_eq!(loaded.tables, s.tables);
        assert_eq!(loaded.policies, s.policies);
        let lt = loaded.token_by_secret("66666666-2222-3333-4444-555555555555").unwrap();
        assert_eq!(lt, &t);

        std::fs::write(&path, b"{not json").unwrap();
        let err = load(&path).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        assert!(msg.contains("corrupt"), "{msg}");

        std::fs::write(
            &path,
            b"{\"format\":\"devnomad-acl-state\",\"version\":1,\"index\":1,\"tables\":{\"acl_policy\":9}}",
        )
        .unwrap();
        let msg = format!("{:#}", load(&path).unwrap_err());
        assert!(msg.contains("corrupt"), "{msg}");

        std::fs::write(&path, b"").unwrap();
        assert!(load(&path).is_err());
    }

    #[test]
    fn namespaces_persist_and_a_file_from_before_them_gets_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut s = State::new();
        let idx = s.next_index();
        let ns = nomad_acl_core::models::Namespace {
            name: "kept".into(),
            create_index: idx,
            modify_index: idx,
            ..Default::default()
        };
        s.namespaces.insert(ns.name.clone(), ns.clone());
        s.tables.namespaces = idx;
        save(&path, &s).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.namespaces, s.namespaces);
        assert_eq!(loaded.tables.namespaces, idx);

        // Written before namespaces existed: no table, no index for it.
        for old in [
            r#"{"format":"devnomad-acl-state","version":1,"index":0,"tables":{"acl_policy":0},"policies":{}}"#,
            r#"{"format":"devnomad-acl-state","version":1}"#,
        ] {
            std::fs::write(&path, old).unwrap();
            let loaded = load(&path).unwrap().unwrap();
            let default = &loaded.namespaces["default"];
            assert_eq!((default.description.as_str(), default.create_index), ("Default shared namespace", 1));
            assert_eq!((loaded.tables.namespaces, loaded.index), (1, 1));
        }
    }

    #[test]
    fn bootstrap_reset_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(read_bootstrap_reset(Some(&path)), None);
        std::fs::write(dir.path().join("acl-bootstrap-reset"), "42\n").unwrap();
        assert_eq!(read_bootstrap_reset(Some(&path)), Some(42));
        assert_eq!(read_bootstrap_reset(None), None);
    }
}
