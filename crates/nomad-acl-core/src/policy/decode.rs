//! The decoding half of Nomad's `hclDecode`: hashicorp/hcl v1's reflection decoder
//! (`decoder.go`) specialised to `acl.Policy`, followed by Nomad's manual label fix-ups.
//!
//! The decoder's quirks are kept on purpose because they decide which policies Nomad
//! accepts and which error it prints:
//! * field names match case-insensitively (`Policy = "read"` works);
//! * a block without a label (`namespace { policy = "read" }`) turns every attribute in
//!   its body into a namespace named after the attribute (Nomad then blanks the name);
//! * every key of the root object, labels included, goes into `ExtraKeysHCL`, and each
//!   decoded field removes one occurrence of its own name (so a repeated `agent` block
//!   leaves one `agent` behind, which strict mode reports);
//! * `Pos()` of an empty object list, a missing label or a missing `variables` block
//!   panic in Go; those become `Fault::Panic` with the Go runtime text.

use super::hcl1::{equal_fold, index_panic, Fault, Loc, Node, ObjectItem, ObjectList, ObjectType, Pos};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawNamespace {
    pub name: String,
    pub policy: String,
    pub caps: Option<Vec<String>>,
    pub variables: Option<RawVariables>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawVariables {
    pub paths: Option<Vec<RawPath>>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawPath {
    pub path_spec: String,
    pub caps: Option<Vec<String>>,
    pub loc: Loc,
}

/// `NodePoolPolicy` and `HostVolumePolicy`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawNamed {
    pub name: String,
    pub policy: String,
    pub caps: Option<Vec<String>>,
    pub loc: Loc,
}

/// Agent, node, quota and plugin (policy only); operator and sentinel (with capabilities).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawBlock {
    pub policy: String,
    pub caps: Option<Vec<String>>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawPolicy {
    pub namespaces: Option<Vec<RawNamespace>>,
    pub node_pools: Option<Vec<RawNamed>>,
    pub host_volumes: Option<Vec<RawNamed>>,
    pub agent: Option<RawBlock>,
    pub node: Option<RawBlock>,
    pub operator: Option<RawBlock>,
    pub sentinel: Option<RawBlock>,
    pub quota: Option<RawBlock>,
    pub plugin: Option<RawBlock>,
    /// `ExtraKeysHCL` (sorted, as hcl's `unusedKeys` leaves it).
    pub extra_keys: Vec<String>,
    /// Every top-level key with its location, to point the editor at an extra key.
    pub key_locs: Vec<(String, Loc)>,
}

trait HasLoc {
    fn set_loc(&mut self, loc: Loc);
}
macro_rules! has_loc {
    ($($t:ty),*) => {$(impl HasLoc for $t {
        fn set_loc(&mut self, loc: Loc) { if self.loc.is_none() { self.loc = loc; } }
    })*};
}
has_loc!(RawNamespace, RawVariables, RawPath, RawNamed, RawBlock);

type Decoder<T> = fn(&str, Node, &mut T) -> Result<(), Fault>;

fn list_pos(list: &ObjectList) -> Result<Pos, Fault> {
    match list.items.first() {
        Some(it) => Ok(it.pos()),
        None => Err(index_panic(0, 0)),
    }
}

/// Preamble of `decodeStruct`: find the item (for `,key` fields) and the object list.
fn struct_list(name: &str, node: Node) -> Result<(Option<ObjectItem>, ObjectList), Fault> {
    let (item, node) = match node {
        Node::Item(it) => {
            let val = it.val.clone();
            (Some(*it), val)
        }
        n => (None, n),
    };
    let node = match node {
        Node::Object(o) => Node::List(o.list),
        n => n,
    };
    let node = match (node, &item) {
        (Node::Literal(_), Some(it)) => Node::List(ObjectList { items: vec![it.clone()] }),
        (n, _) => n,
    };
    match node {
        Node::List(l) => Ok((item, l)),
        other => Err(Fault::pos_error(
            other.pos()?,
            other.loc(),
            format!("{name}: not an object type for struct ({})", other.type_name()),
        )),
    }
}

/// `decodeStruct` collects every key of every item (calling `Value()`, which may panic).
fn touch_keys(list: &ObjectList) -> Result<Vec<String>, Fault> {
    let mut keys = Vec::new();
    for item in &list.items {
        for k in &item.keys {
            keys.push(k.string_value()?);
        }
    }
    Ok(keys)
}

fn remove_case_fold(xs: &mut Vec<String>, y: &str) {
    if let Some(i) = xs.iter().position(|x| equal_fold(x, y)) {
        xs.remove(i);
    }
}

/// `list.Filter(field)` split into prefix matches (labelled) and exact matches.
fn field_matches(list: &ObjectList, field: &str) -> Result<Option<(ObjectList, Vec<ObjectItem>)>, Fault> {
    let filtered = list.filter(field)?;
    let mut prefix = ObjectList::default();
    let mut exact = Vec::new();
    for it in filtered.items {
        if it.keys.is_empty() {
            exact.push(it);
        } else {
            prefix.items.push(it);
        }
    }
    if prefix.items.is_empty() && exact.is_empty() {
        return Ok(None);
    }
    Ok(Some((prefix, exact)))
}

/// An exact match's value; object values are decoded as their item list.
fn convert(val: Node) -> Node {
    match val {
        Node::Object(o) => Node::List(o.list),
        n => n,
    }
}

fn decode_string(name: &str, node: Node) -> Result<String, Fault> {
    use super::hcl1::Tok;
    if let Node::Literal(t) = &node {
        match t.kind {
            Tok::Number | Tok::Float | Tok::Bool => return Ok(t.text.clone()),
            Tok::String | Tok::Heredoc => return t.string_value(),
            _ => {}
        }
    }
    Err(Fault::pos_error(node.pos()?, node.loc(), format!("{name}: unknown type for string {}", node.type_name())))
}

fn decode_string_elem(name: &str, node: Node, out: &mut String) -> Result<(), Fault> {
    *out = decode_string(name, node)?;
    Ok(())
}

/// `expandObject`: an item with exactly two keys decoding into a struct is unflattened.
fn expand_object(node: Node) -> Node {
    match node {
        Node::Item(it) if it.keys.len() == 2 => {
            let mut it = *it;
            let key0 = it.keys.remove(0);
            let loc = it.loc;
            Node::Item(Box::new(ObjectItem {
                keys: vec![key0],
                val: Node::Object(ObjectType { lbrace: Pos::default(), list: ObjectList { items: vec![it] }, loc }),
                loc,
            }))
        }
        n => n,
    }
}

/// `decodeSlice`; appends to an existing slice (a field can be decoded several times).
fn decode_slice<T: Default>(
    name: &str,
    node: Node,
    out: &mut Option<Vec<T>>,
    struct_elem: bool,
    elem: Decoder<T>,
) -> Result<(), Fault> {
    let items: Vec<Node> = match node {
        Node::List(l) => l.items.into_iter().map(|i| Node::Item(Box::new(i))).collect(),
        Node::Object(o) => vec![Node::Object(o)],
        Node::ListT(l) => l.list,
        other => {
            return Err(Fault::pos_error(
                other.pos()?,
                other.loc(),
                format!("unknown slice type: {}", other.type_name()),
            ))
        }
    };
    let mut result = out.take().unwrap_or_default();
    for (i, item) in items.into_iter().enumerate() {
        let fname = format!("{name}[{i}]");
        let item = if struct_elem { expand_object(item) } else { item };
        let mut val = T::default();
        elem(&fname, item, &mut val)?;
        result.push(val);
    }
    *out = Some(result);
    Ok(())
}

/// `decodePtr`: decode into the existing value or a fresh one.
fn decode_ptr<T: Default + HasLoc>(
    name: &str,
    node: Node,
    out: &mut Option<T>,
    loc: Loc,
    f: Decoder<T>,
) -> Result<(), Fault> {
    let mut v = out.take().unwrap_or_default();
    f(name, node, &mut v)?;
    v.set_loc(loc);
    *out = Some(v);
    Ok(())
}

fn string_field(name: &str, list: &ObjectList, field: &str) -> Result<Option<String>, Fault> {
    let Some((prefix, exact)) = field_matches(list, field)? else {
        return Ok(None);
    };
    let fname = format!("{name}.{field}");
    let mut val = None;
    if !prefix.items.is_empty() {
        val = Some(decode_string(&fname, Node::List(prefix))?);
    }
    for m in exact {
        val = Some(decode_string(&fname, convert(m.val))?);
    }
    Ok(val)
}

fn slice_field<T: Default>(
    name: &str,
    list: &ObjectList,
    field: &str,
    out: &mut Option<Vec<T>>,
    struct_elem: bool,
    elem: Decoder<T>,
    unused: &mut Vec<String>,
) -> Result<(), Fault> {
    let Some((prefix, exact)) = field_matches(list, field)? else {
        return Ok(());
    };
    remove_case_fold(unused, field);
    let fname = format!("{name}.{field}");
    if !prefix.items.is_empty() {
        decode_slice(&fname, Node::List(prefix), out, struct_elem, elem)?;
    }
    for m in exact {
        decode_slice(&fname, convert(m.val), out, struct_elem, elem)?;
    }
    Ok(())
}

fn ptr_field<T: Default + HasLoc>(
    name: &str,
    list: &ObjectList,
    field: &str,
    out: &mut Option<T>,
    f: Decoder<T>,
    unused: &mut Vec<String>,
) -> Result<(), Fault> {
    let Some((prefix, exact)) = field_matches(list, field)? else {
        return Ok(());
    };
    remove_case_fold(unused, field);
    let fname = format!("{name}.{field}");
    if let Some(first) = prefix.items.first() {
        let loc = first.loc;
        decode_ptr(&fname, Node::List(prefix), out, loc, f)?;
    }
    for m in exact {
        let loc = m.loc;
        decode_ptr(&fname, convert(m.val), out, loc, f)?;
    }
    Ok(())
}

/// A `hcl:",key"` field.
fn key_field(name: &str, field: &str, item: &Option<ObjectItem>, list: &ObjectList) -> Result<String, Fault> {
    match item {
        None => {
            let pos = list_pos(list)?;
            Err(Fault::pos_error(
                pos,
                list.items.first().and_then(|i| i.loc),
                format!("{name}: {field} asked for 'key', impossible"),
            ))
        }
        Some(it) => match it.keys.first() {
            Some(k) => k.string_value(),
            None => Ok(String::new()),
        },
    }
}

fn decode_namespace(name: &str, node: Node, out: &mut RawNamespace) -> Result<(), Fault> {
    out.set_loc(node.loc());
    let (item, list) = struct_list(name, node)?;
    let mut unused = touch_keys(&list)?;
    out.name = key_field(name, "Name", &item, &list)?;
    if let Some(p) = string_field(name, &list, "Policy")? {
        out.policy = p;
    }
    slice_field(name, &list, "Capabilities", &mut out.caps, false, decode_string_elem, &mut unused)?;
    ptr_field(name, &list, "variables", &mut out.variables, decode_variables, &mut unused)
}

fn decode_variables(name: &str, node: Node, out: &mut RawVariables) -> Result<(), Fault> {
    let (_, list) = struct_list(name, node)?;
    let mut unused = touch_keys(&list)?;
    slice_field(name, &list, "path", &mut out.paths, true, decode_path, &mut unused)
}

fn decode_path(name: &str, node: Node, out: &mut RawPath) -> Result<(), Fault> {
    out.set_loc(node.loc());
    let (item, list) = struct_list(name, node)?;
    let mut unused = touch_keys(&list)?;
    out.path_spec = key_field(name, "PathSpec", &item, &list)?;
    slice_field(name, &list, "Capabilities", &mut out.caps, false, decode_string_elem, &mut unused)
}

fn decode_named(name: &str, node: Node, out: &mut RawNamed) -> Result<(), Fault> {
    out.set_loc(node.loc());
    let (item, list) = struct_list(name, node)?;
    let mut unused = touch_keys(&list)?;
    out.name = key_field(name, "Name", &item, &list)?;
    if let Some(p) = string_field(name, &list, "Policy")? {
        out.policy = p;
    }
    slice_field(name, &list, "Capabilities", &mut out.caps, false, decode_string_elem, &mut unused)
}

fn decode_policy_only(name: &str, node: Node, out: &mut RawBlock) -> Result<(), Fault> {
    let (_, list) = struct_list(name, node)?;
    touch_keys(&list)?;
    if let Some(p) = string_field(name, &list, "Policy")? {
        out.policy = p;
    }
    Ok(())
}

fn decode_policy_caps(name: &str, node: Node, out: &mut RawBlock) -> Result<(), Fault> {
    let (_, list) = struct_list(name, node)?;
    let mut unused = touch_keys(&list)?;
    if let Some(p) = string_field(name, &list, "Policy")? {
        out.policy = p;
    }
    slice_field(name, &list, "Capabilities", &mut out.caps, false, decode_string_elem, &mut unused)
}

/// `hcl.Decode(&acl.Policy{}, rules)` on an already parsed root.
fn decode_root(root: &ObjectList) -> Result<RawPolicy, Fault> {
    let name = "root";
    let mut unused = touch_keys(root)?;
    let mut p = RawPolicy::default();
    for item in &root.items {
        for k in &item.keys {
            p.key_locs.push((k.string_value()?, k.loc.or(item.loc)));
        }
    }
    slice_field(name, root, "namespace", &mut p.namespaces, true, decode_namespace, &mut unused)?;
    slice_field(name, root, "node_pool", &mut p.node_pools, true, decode_named, &mut unused)?;
    slice_field(name, root, "host_volume", &mut p.host_volumes, true, decode_named, &mut unused)?;
    ptr_field(name, root, "agent", &mut p.agent, decode_policy_only, &mut unused)?;
    ptr_field(name, root, "node", &mut p.node, decode_policy_only, &mut unused)?;
    ptr_field(name, root, "operator", &mut p.operator, decode_policy_caps, &mut unused)?;
    ptr_field(name, root, "sentinel", &mut p.sentinel, decode_policy_caps, &mut unused)?;
    ptr_field(name, root, "quota", &mut p.quota, decode_policy_only, &mut unused)?;
    ptr_field(name, root, "plugin", &mut p.plugin, decode_policy_only, &mut unused)?;
    unused.sort();
    p.extra_keys = unused;
    Ok(p)
}

fn remove_extra_key(keys: &mut Vec<String>, key: &str) {
    if let Some(i) = keys.iter().position(|k| k == key) {
        keys.remove(i);
    }
}

const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Nomad's manual pass over the AST in `hclDecode`: blank the names of label-less
/// blocks (indexing by position, as Go does, even when that index is wrong or out of
/// range) and drop the repeated block keywords from the extra keys.
fn fix_labels(root: &ObjectList, p: &mut RawPolicy) -> Result<(), Fault> {
    let ns_list = root.filter("namespace")?;
    for (i, ns_obj) in ns_list.items.iter().enumerate() {
        let len = p.namespaces.as_ref().map_or(0, Vec::len);
        if ns_obj.keys.is_empty() {
            match p.namespaces.as_mut().and_then(|v| v.get_mut(i)) {
                Some(ns) => ns.name.clear(),
                None => return Err(index_panic(i, len)),
            }
        }
        if i > 0 {
            remove_extra_key(&mut p.extra_keys, "namespace");
        }
        let Node::Object(ot) = &ns_obj.val else {
            continue;
        };
        let vars_list = ot.list.filter("variables")?;
        let Some(first) = vars_list.items.first() else {
            continue;
        };
        let Node::Object(vo) = &first.val else {
            continue;
        };
        let paths = vo.list.filter("path")?;
        for (j, path) in paths.items.iter().enumerate() {
            if !path.keys.is_empty() {
                continue;
            }
            let Some(ns) = p.namespaces.as_mut().and_then(|v| v.get_mut(i)) else {
                return Err(index_panic(i, len));
            };
            let Some(vars) = ns.variables.as_mut() else {
                return Err(Fault::Panic(NIL_DEREF.into()));
            };
            let plen = vars.paths.as_ref().map_or(0, Vec::len);
            match vars.paths.as_mut().and_then(|v| v.get_mut(j)) {
                Some(pp) => pp.path_spec.clear(),
                None => return Err(index_panic(j, plen)),
            }
        }
    }
    for (key, blocks) in [("node_pool", &mut p.node_pools), ("host_volume", &mut p.host_volumes)] {
        let list = root.filter(key)?;
        for (i, obj) in list.items.iter().enumerate() {
            if obj.keys.is_empty() {
                let len = blocks.as_ref().map_or(0, Vec::len);
                match blocks.as_mut().and_then(|v| v.get_mut(i)) {
                    Some(b) => b.name.clear(),
                    None => return Err(index_panic(i, len)),
                }
            }
            if i > 0 {
                remove_extra_key(&mut p.extra_keys, key);
            }
        }
    }
    Ok(())
}

/// Nomad's `hclDecode(p, rules)`: parse, decode, fix labels.
pub fn hcl_decode(rules: &str) -> Result<RawPolicy, Fault> {
    let root = super::hcl1::parse(rules)?;
    let mut p = decode_root(&root)?;
    fix_labels(&root, &mut p)?;
    Ok(p)
}
