//! Effective permissions of a token (`/tokens/:accessor/permissions`, and on `/profile`
//! for the signed-in token): every right with its source, and the "can it?" form, a GET
//! form whose state lives in the URL so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

use crate::api::error::ApiError;
use crate::api::live::Kind;
use crate::api::permissions::{
    get_permissions, AnswerView, BlockRow, NamespaceMatrix, PermissionsReport, Question, RuleTable, SourceView,
};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::relative_time::Expiry;
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::region::at;
use crate::app::region::RegionField;
use crate::nomad::policy::question::Right;

/// Reads the question from the URL (`right`, `namespace`, `path`).
pub fn question_from_query(q: &ParamsMap) -> Question {
    let s = |k: &str| q.get(k).unwrap_or_default().trim().to_string();
    Question { right: s("right"), namespace: s("namespace"), path: s("path"), every: s("every") == "1" }
}

/// `/tokens/<accessor>/permissions`.
pub fn permissions_href(accessor: &str) -> String {
    format!("/tokens/{}/permissions", percent_encode(accessor, false))
}

/// What a token's rights are made of: answers on these pages follow changes to them.
pub const FOLLOWED: &[Kind] = &[Kind::Tokens, Kind::Roles, Kind::Policies, Kind::Namespaces];

/// `/tokens/:accessor/permissions`.
#[component]
pub fn TokenPermissionsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let accessor = Memo::new(move |_| params.with(|p| p.get("accessor").unwrap_or_default()));
    let question = Memo::new(move |_| query.with(question_from_query));
    let live = use_live(FOLLOWED);
    let report = Resource::new(move || (accessor.get(), question.get(), live.get()), |(a, q, _)| get_permissions(a, q));
    view! {
        <Title text="Effective permissions" />
        <Breadcrumbs trail=vec![crumb("Tokens", "/tokens"), (Signal::stored("Token".to_string()), Signal::derive(move || format!("/tokens/{}", percent_encode(&accessor.get(), false))))] current="Effective permissions" />
        <h1>"Effective permissions"</h1>
        <Transition fallback=|| view! { <p class="loading" role="status">"Resolving the token…"</p> }>
            {move || report.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the token's permissions" /> }.into_any(),
                Ok(report) => {
                    let action = permissions_href(&report.accessor_id);
                    view! { <PermissionsView report action question=question.get_untracked() /> }.into_any()
                }
            })}
        </Transition>
    }
}

/// The signed-in token's permissions, on the profile page (the form comes back to
/// `/profile`). The page creates the resource with its own, at the top, so the server's
/// result hydrates (a resource created inside a resolved Suspense would not).
pub fn profile_permissions_resource() -> (Memo<Question>, Resource<Result<PermissionsReport, ApiError>>) {
    let query = use_query_map();
    let question = Memo::new(move |_| query.with(question_from_query));
    let live = use_live(FOLLOWED);
    let report = Resource::new(move || (question.get(), live.get()), |(q, _)| get_permissions(String::new(), q));
    (question, report)
}

/// Renders [`profile_permissions_resource`]'s result; to be placed inside a Suspense.
#[component]
pub fn ProfilePermissions(
    question: Memo<Question>,
    report: Resource<Result<PermissionsReport, ApiError>>,
) -> impl IntoView {
    move || {
        report.get().map(|r| match r {
            Err(e) => view! { <ErrorPanel error=e what="your permissions" /> }.into_any(),
            Ok(report) => {
                view! { <PermissionsView report action={"/profile".to_string()} question=question.get_untracked() /> }
                    .into_any()
            }
        })
    }
}

#[component]
fn PermissionsView(report: PermissionsReport, action: String, question: Question) -> impl IntoView {
    let name = if report.name.is_empty() { "(unnamed)".to_string() } else { report.name.clone() };
    let now = report.server_now;
    view! {
        <section class="panel" data-testid="permissions-token">
            <dl class="facts">
                <dt>"Token"</dt>
                <dd>
                    <span data-testid="permissions-name">{name}</span>
                    {report.is_self.then(|| view! { " " <span class="badge you">"you"</span> })}
                </dd>
                <dt>"Accessor ID"</dt><dd><code>{report.accessor_id.clone()}</code></dd>
                <dt>"Type"</dt><dd>{report.token_type.clone()}</dd>
                <dt>"Expires"</dt><dd><Expiry expires_at=report.expires_at now /></dd>
            </dl>
            {report.expired.then(|| view! {
                <p class="warning" data-testid="permissions-expired">"This token has expired: Nomad refuses it, whatever its policies grant."</p>
            })}
        </section>
        <AskForm action question answer=report.answer.clone() error=report.question_error.clone() />
        {if report.management {
            view! {
                <section class="panel" data-testid="all-permissions">
                    <h2>"All permissions"</h2>
                    <p>"This is a management token: it has all permissions, in every namespace. It carries no policies or roles."</p>
                </section>
            }.into_any()
        } else {
            let matrix = report.namespace_matrix.clone();
            view! { <Sources report=report.clone() /> <NamespaceMatrixView matrix /> <Tables report /> }.into_any()
        }}
    }
}

/// What the token may do in each existing namespace, one row per namespace.
#[component]
fn NamespaceMatrixView(matrix: Option<NamespaceMatrix>) -> impl IntoView {
    let Some(m) = matrix else {
        return view! {
            <p class="muted" data-testid="namespace-matrix-unavailable">"The namespaces could not be listed with your token, so there is no per-namespace view."</p>
        }
        .into_any();
    };
    let capabilities = m.capabilities.clone();
    view! {
        <section class="panel" data-testid="namespace-matrix">
            <h2>"In each namespace"</h2>
            <p class="muted">"Each existing namespace is decided by one rule: its exact name, else the closest glob."</p>
            <div class="table-wrap">
                <table class="table matrix">
                    <thead>
                        <tr>
                            <th scope="col">"Namespace"</th>
                            {capabilities.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {m.rows.into_iter().map(|row| {
                            let rule = row.rule.clone().unwrap_or_else(|| "no rule".to_string());
                            let cells = capabilities.iter().zip(row.granted.iter()).map(|(c, granted)| {
                                let (mark, said) = match (row.denied, *granted) {
                                    (true, _) => ("deny", "denied"),
                                    (false, true) => ("✓", "granted"),
                                    (false, false) => ("", "not granted"),
                                };
                                view! {
                                    <td data-capability=c.clone() data-granted=granted.to_string()>
                                        <span aria-hidden="true">{mark}</span>
                                        <span class="visually-hidden">{said}</span>
                                    </td>
                                }
                            }).collect_view();
                            view! {
                                <tr data-testid="matrix-row" data-namespace=row.namespace.clone()>
                                    <th scope="row">
                                        {row.namespace.clone()}
                                        <span class="muted rule">{rule}</span>
                                    </th>
                                    {cells}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn AskForm(action: String, question: Question, answer: Option<AnswerView>, error: Option<String>) -> impl IntoView {
    let current = question.right.clone();
    view! {
        <section class="panel" aria-labelledby="ask-title">
            <h2 id="ask-title">"Can this token…?"</h2>
            <form method="get" action=action class="filters" role="search" aria-label="Ask about a right"><RegionField />
                <div class="field">
                    <label for="ask-right">"Right"</label>
                    <RightSelect id="ask-right" current />
                </div>
                <div class="field">
                    <label for="ask-namespace">"Namespace"</label>
                    <input id="ask-namespace" name="namespace" value=question.namespace.clone() placeholder="e.g. prod-eu" autocomplete="off" />
                </div>
                <div class="field">
                    <label for="ask-path">"Variables path (for variables rights)"</label>
                    <input id="ask-path" name="path" value=question.path.clone() placeholder="e.g. app/config" autocomplete="off" />
                </div>
                <div class="actions"><button type="submit" class="button">"Check"</button></div>
            </form>
            {error.map(|e| view! { <p class="field-error" role="alert" data-testid="ask-error">{e}</p> })}
            {answer.map(|a| view! { <Answer a /> })}
        </section>
    }
}

/// The right picker, grouped; also used by `/who-can`.
#[component]
pub fn RightSelect(id: &'static str, current: String) -> impl IntoView {
    view! {
        <select id=id name="right">
            <option value="" selected=current.is_empty()>"Choose a right…"</option>
            {Right::choices().into_iter().map(|(group, keys)| {
                let current = current.clone();
                view! {
                    <optgroup label=group>
                        {keys.into_iter().map(|k| {
                            let selected = k == current;
                            let label = k.clone();
                            view! { <option value=k selected=selected>{label}</option> }
                        }).collect_view()}
                    </optgroup>
                }
            }).collect_view()}
        </select>
    }
}

#[component]
fn Answer(a: AnswerView) -> impl IntoView {
    let verdict = if a.allowed {
        "Yes"
    } else if a.denied {
        "No (denied)"
    } else {
        "No"
    };
    let class = if a.allowed { "notice" } else { "warning" };
    view! {
        <div class=class role="status" data-testid="answer" data-allowed=a.allowed.to_string()>
            <p><strong data-testid="answer-verdict">{verdict}</strong> ". " {a.explanation.clone()}</p>
            {a.rule.clone().map(|r| view! { <p>"Deciding rule: " <code data-testid="answer-rule">{r}</code></p> })}
            {(!a.sources.is_empty()).then(|| view! {
                <p data-testid="answer-sources">"From: " <SourceList sources=a.sources.clone() /></p>
            })}
        </div>
    }
}

/// How a policy reaches the token, in words.
pub fn via_text(s: &SourceView) -> String {
    let roles = match s.roles.len() {
        0 => String::new(),
        1 => format!("via role {}", s.roles[0]),
        _ => format!("via roles {}", s.roles.join(", ")),
    };
    match (s.direct, roles.is_empty()) {
        (true, true) => "directly".to_string(),
        (true, false) => format!("directly and {roles}"),
        (false, false) => roles,
        (false, true) => "(no route)".to_string(),
    }
}

#[component]
pub fn SourceList(sources: Vec<SourceView>) -> impl IntoView {
    sources
        .into_iter()
        .map(|s| {
            let link = format!("/policies/{}", percent_encode(&s.policy, false));
            let via = via_text(&s);
            view! {
                <span class="source" data-testid="source">
                    "policy " <a href=at(link)>{s.policy.clone()}</a> " " <span class="muted">{via}</span>
                </span>
            }
        })
        .collect_view()
}

#[component]
fn Sources(report: PermissionsReport) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="sources-title">
            <h2 id="sources-title">"Where the permissions come from"</h2>
            <h3>"Policies attached directly"</h3>
            {if report.direct_policies.is_empty() {
                view! { <p class="muted">"None"</p> }.into_any()
            } else {
                view! { <ul>{report.direct_policies.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
            <h3>"Roles"</h3>
            {if report.roles.is_empty() {
                view! { <p class="muted">"None"</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {report.roles.iter().map(|r| view! {
                            <li><strong>{r.name.clone()}</strong> ": " {r.policies.join(", ")}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!report.missing_policies.is_empty()).then(|| view! {
                <h3>"Missing policies"</h3>
                <p class="muted">"These policies are referenced but do not exist; Nomad skips them, so they grant nothing."</p>
                <ul data-testid="missing-policies">
                    {report.missing_policies.iter().map(|s| view! {
                        <li class="deleted"><s>{s.policy.clone()}</s> " " <span class="muted">{via_text(s)}</span></li>
                    }).collect_view()}
                </ul>
            })}
            {(!report.missing_roles.is_empty()).then(|| view! {
                <h3>"Missing roles"</h3>
                <ul data-testid="missing-roles">
                    {report.missing_roles.iter().map(|id| view! { <li><code>{id.clone()}</code></li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn Tables(report: PermissionsReport) -> impl IntoView {
    let t = report.tables;
    let nothing = t.namespaces.is_empty()
        && t.variables.is_empty()
        && t.node_pools.is_empty()
        && t.host_volumes.is_empty()
        && t.blocks.iter().all(|b| b.contributions.is_empty());
    view! {
        <section class="panel" aria-labelledby="granted-title">
            <h2 id="granted-title">"Effective rights"</h2>
            {nothing.then(|| view! { <p class="muted" data-testid="grants-nothing">"This token grants nothing."</p> })}
            <Group title="Namespaces" testid="ns-table" tables=t.namespaces />
            <Group title="Variables" testid="vars-table" tables=t.variables />
            <Group title="Node pools" testid="pool-table" tables=t.node_pools />
            <Group title="Host volumes" testid="volume-table" tables=t.host_volumes />
            <h3>"Cluster-wide rights"</h3>
            <div class="table-wrap">
                <table class="data-table" data-testid="blocks-table">
                    <thead><tr><th scope="col">"Block"</th><th scope="col">"Effective"</th><th scope="col">"Sources"</th></tr></thead>
                    <tbody>{t.blocks.into_iter().map(|b| view! { <Block b /> }).collect_view()}</tbody>
                </table>
            </div>
            {t.operator_capabilities.map(|table| view! { <Group title="Operator capabilities" testid="operator-table" tables=vec![table] /> })}
        </section>
    }
}

#[component]
fn Group(title: &'static str, testid: &'static str, tables: Vec<RuleTable>) -> impl IntoView {
    (!tables.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            {tables.into_iter().map(|t| view! { <Table t testid /> }).collect_view()}
        }
    })
}

#[component]
fn Table(t: RuleTable, testid: &'static str) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid=testid data-pattern=t.pattern.clone()>
                <caption><code>{t.title.clone()}</code> {t.denied.then_some(" — denied")}</caption>
                <thead><tr><th scope="col">"Capability"</th><th scope="col">"Status"</th><th scope="col">"Source"</th></tr></thead>
                <tbody>
                    {t.rows.into_iter().map(|r| view! {
                        <tr data-testid="capability-row" data-capability=r.capability.clone()>
                            <td><code>{r.capability.clone()}</code></td>
                            <td>{if r.denied {
                                view! { <span class="badge warn">"denied"</span> }.into_any()
                            } else {
                                view! { <span>"granted"</span> }.into_any()
                            }}</td>
                            <td><SourceList sources=r.sources /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Block(b: BlockRow) -> impl IntoView {
    let effective = if b.effective.is_empty() { "nothing".to_string() } else { b.effective.clone() };
    view! {
        <tr data-testid="block-row" data-block=b.block.clone()>
            <th scope="row"><code>{b.block.clone()}</code></th>
            <td>{effective}</td>
            <td>
                {if b.contributions.is_empty() {
                    view! { <span class="muted">"No policy has this block"</span> }.into_any()
                } else {
                    b.contributions.into_iter().map(|(disposition, s)| view! {
                        <span class="source">
                            <code>{disposition}</code> " from " <SourceList sources=vec![s] />
                        </span>
                    }).collect_view().into_any()
                }}
            </td>
        </tr>
    }
}
