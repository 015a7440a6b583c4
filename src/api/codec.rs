//! How server functions send their answers: JSON, as Leptos' `Json`, but read
//! back with `serde_json::from_str`.
//!
//! Leptos reads a resource's hydration data from the page with `from_str`,
//! while its `Json` encoding reads server function answers with `from_slice`.
//! The two readers are two instances of every answer type's `Deserialize` in
//! the wasm; reading both as `&str` keeps one (with `NomadError` externally
//! tagged, the main module's serde code went from 104 to 67 KB raw).

use leptos::server_fn::codec::{JsonEncoding, Post};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;

/// JSON in, JSON out; decoded from text.
pub struct JsonTextEncoding;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        // Written as Leptos' `Json` writes it; only the reading differs.
        <JsonEncoding as Encodes<T>>::encode(output)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// The output encoding of every server function: `#[server(output = JsonText)]`.
pub type JsonText = Post<JsonTextEncoding>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_bad_bytes_are_an_error() {
        let v = vec![("a".to_string(), 1u64)];
        let bytes = <JsonTextEncoding as Encodes<_>>::encode(&v).unwrap();
        assert_eq!(&bytes[..], br#"[["a",1]]"#);
        let back: Vec<(String, u64)> = <JsonTextEncoding as Decodes<_>>::decode(bytes).unwrap();
        assert_eq!(back, v);
        let bad = <JsonTextEncoding as Decodes<Vec<u8>>>::decode(Bytes::from_static(b"[\xff]"));
        assert!(bad.is_err());
    }
}
