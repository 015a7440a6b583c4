//! [`SyncHydrate`]: a view that is the view it wraps, minus its async hydration.
//!
//! With lazy routes the browser hydrates with `hydrate_from_async`, and every
//! type-erased view (`into_any()`, which Leptos does for each route's view and
//! for the children of `<Transition>`, `<Suspense>`, `<Form>`…) carries a
//! `hydrate_async` for its whole view tree, whether it is called or not. Under
//! `<Routes>` it never is: the router awaits the lazy routes' code, then
//! hydrates the matched views synchronously. So the pages wrap what they hand
//! to an erasure in `SyncHydrate`, whose `hydrate_async` is the trait's default
//! (the synchronous `hydrate`): one async copy of each page's tree less in the
//! wasm (15 KB of the main module's brotli size, 44 KB raw). The server's HTML is unchanged.
//!
//! Not for the views between `<body>` and `<Routes>`: the router's own
//! `hydrate_async` must run there, to await a lazy page's code.

use std::future::Future;

use leptos::attr::any_attribute::AnyAttribute;
use leptos::attr::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// `view` rendered and hydrated as itself; see the module documentation.
pub struct SyncHydrate<V>(pub V);

impl<V: Render> Render for SyncHydrate<V> {
    type State = V::State;

    fn build(self) -> Self::State {
        self.0.build()
    }

    fn rebuild(self, state: &mut Self::State) {
        self.0.rebuild(state)
    }
}

impl<V: AddAnyAttr> AddAnyAttr for SyncHydrate<V> {
    // Attributes spread onto a page are rare; the wrapper is dropped with them.
    type Output<SomeNewAttr: Attribute> = V::Output<SomeNewAttr>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        self.0.add_any_attr(attr)
    }
}

impl<V: RenderHtml> RenderHtml for SyncHydrate<V> {
    type AsyncOutput = SyncHydrate<V::AsyncOutput>;
    type Owned = SyncHydrate<V::Owned>;

    const MIN_LENGTH: usize = V::MIN_LENGTH;
    const EXISTS: bool = V::EXISTS;

    fn dry_resolve(&mut self) {
        self.0.dry_resolve()
    }

    fn resolve(self) -> impl Future<Output = Self::AsyncOutput> + Send {
        let inner = self.0.resolve();
        async move { SyncHydrate(inner.await) }
    }

    fn html_len(&self) -> usize {
        self.0.html_len()
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        self.0.to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) where
        Self: Sized,
    {
        self.0.to_html_async_with_buf::<OUT_OF_ORDER>(buf, position, escape, mark_branches, extra_attrs)
    }

    fn hydrate<const FROM_SERVER: bool>(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        self.0.hydrate::<FROM_SERVER>(cursor, position)
    }

    // `hydrate_async` left to the trait's default: `hydrate`.

    fn into_owned(self) -> Self::Owned {
        SyncHydrate(self.0.into_owned())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::prelude::*;

    use super::SyncHydrate;

    #[test]
    fn renders_the_same_html_as_the_view_it_wraps() {
        let make = |n: i32| {
            view! {
                <section class="x">
                    <h2>{format!("{n} items")}</h2>
                    {(n > 1).then(|| view! { <p>"many"</p> })}
                    <ul>{(0..n).map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                </section>
            }
        };
        let owner = Owner::new();
        owner.with(|| {
            for n in [0, 1, 3] {
                let plain = make(n).to_html();
                let wrapped = SyncHydrate(make(n)).to_html();
                assert_eq!(wrapped, plain);
                assert!(plain.contains(&format!("{n} items")), "{plain}");
                // Erased, as Leptos erases route views and children.
                assert_eq!(SyncHydrate(make(n)).into_any().to_html(), plain);
            }
        });
    }
}
