//! The patched `tachys` in `vendor/` (see `vendor/README.md`) is the one the
//! build uses: a Leptos upgrade that pulls in another `tachys` would otherwise
//! drop the patch silently (Cargo only warns about an unused `[patch]`).

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_build_uses_the_vendored_patched_tachys() {
    let manifest = read("vendor/tachys/Cargo.toml");
    let version = manifest
        .lines()
        .skip_while(|l| *l != "[package]")
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim_matches('"').to_string())
        .expect("vendor/tachys/Cargo.toml has a package version");
    let lock = read("Cargo.lock");
    let entries: Vec<&str> = lock.split("[[package]]").filter(|p| p.contains("\nname = \"tachys\"\n")).collect();
    assert_eq!(entries.len(), 1, "exactly one tachys in Cargo.lock");
    assert!(
        entries[0].contains(&format!("\nversion = \"{version}\"\n")),
        "Cargo.lock's tachys is {version}: {}",
        entries[0]
    );
    assert!(
        !entries[0].contains("\nsource = "),
        "tachys must come from vendor/ (a path), not a registry: {}",
        entries[0]
    );
    assert!(
        read("vendor/tachys/src/view/any_view.rs").contains("PATCHED for nomad-acl-console"),
        "the vendored tachys carries the patch"
    );
}
