//! Text the server writes inside `<textarea>` and `<title>`.
//!
//! Browsers parse both elements' content as escapable raw text: character
//! references are decoded, and `</textarea>` / `</title>` end the element. Leptos'
//! server renderer writes that content unescaped (tachys marks `<textarea>` children
//! as not escaped, like `<script>`; leptos_meta pushes the title string as is), so
//! user text there could end the element and inject markup. The server escapes it;
//! in the browser the same call returns the text unchanged, which is what the parsed
//! DOM holds, so hydration and client-side rendering see the user's exact text.

/// `text` as the content of a `<textarea>` or `<title>`.
pub fn escaped_raw_text(text: impl Into<String>) -> String {
    let text = text.into();
    #[cfg(feature = "ssr")]
    {
        match html_escape::encode_text(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(escaped) => escaped,
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::escaped_raw_text;
    use leptos::prelude::*;

    const PAYLOAD: &str = "</textarea><meta http-equiv=\"refresh\" content=\"0;url=https://elsewhere/\">";

    /// The renderer's own behavior, kept so that a Leptos upgrade that starts escaping
    /// textarea content (and would make ours a double escape) is noticed here.
    #[test]
    fn leptos_writes_textarea_content_unescaped() {
        let html = view! { <textarea>{PAYLOAD.to_string()}</textarea> }.to_html();
        assert!(html.contains("</textarea><meta http-equiv"), "tachys changed: {html}");
    }

    #[test]
    fn escaped_content_cannot_end_the_textarea() {
        let html = view! { <textarea>{escaped_raw_text(PAYLOAD)}</textarea> }.to_html();
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
        assert!(!html.contains("<meta"), "{html}");
        assert!(html.contains("&lt;/textarea&gt;&lt;meta http-equiv=\"refresh\""), "{html}");
    }

    #[test]
    fn entities_survive_the_round_trip() {
        // A browser decodes `&amp;lt;` back to `&lt;`: the user's text, not `<`.
        assert_eq!(escaped_raw_text("a &lt; b & c"), "a &amp;lt; b &amp; c");
        assert_eq!(escaped_raw_text("plain text"), "plain text");
    }

    proptest::proptest! {
        #[test]
        fn no_text_ends_the_element(s in ".*") {
            let out = escaped_raw_text(s.clone());
            proptest::prop_assert!(!out.contains('<'));
            let decoded = html_escape::decode_html_entities(&out);
            proptest::prop_assert_eq!(decoded.as_ref(), s.as_str());
        }
    }
}
