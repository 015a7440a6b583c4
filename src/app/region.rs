//! The page's region (`?region=`), which every link of the page keeps.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::links::{with_region, RegionParam};

/// The region the page's address names, if a valid one.
pub fn page_region() -> Option<String> {
    let search = use_location().search.get_untracked();
    RegionParam::from_query(&search).named().map(str::to_string)
}

/// A link to a console page in the page's region.
pub fn at(path: impl AsRef<str>) -> String {
    with_region(path.as_ref(), page_region().as_deref())
}

/// A GET form's hidden field that keeps the page's region in its answer's address.
#[component]
pub fn RegionField() -> impl IntoView {
    page_region().map(|r| view! { <input type="hidden" name="region" value=r /> })
}
