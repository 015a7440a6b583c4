//! TEMPORARY stub until the scratch models land.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretId(String);
impl SecretId { pub fn new(s: String) -> Self { Self(s) } pub fn expose(&self) -> &str { &self.0 } }
impl std::fmt::Debug for SecretId { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("<redacted>") } }
