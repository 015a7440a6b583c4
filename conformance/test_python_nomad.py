"""Conformance of the embedded Nomad server against python-nomad 2.1.0.

Usage: test_python_nomad.py http://127.0.0.1:PORT   (a fresh, non-bootstrapped server)

Runs the steps below in order (later steps use what earlier ones created), prints one line
per step, and closes with `N passed, M failed`. Exit status 1 when anything failed.
"""

import re
import sys
import traceback
import uuid

import nomad
import nomad.api.exceptions as nexc

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SUFFIX = uuid.uuid4().hex[:8]
POLICY = f"conformance-{SUFFIX}"
RULES = 'namespace "default" { policy = "read" }\nnode { policy = "read" }'


class Ctx:
    """Shared state between steps."""

    address = None
    bootstrap = None
    token = None


def client(token=None, **kw):
    return nomad.Nomad(address=Ctx.address, token=token, timeout=10, **kw)


def mgmt():
    return client(Ctx.bootstrap["SecretID"])


def expect_raises(exc_type, fn, text=None):
    try:
        fn()
    except exc_type as e:  # noqa: PERF203
        body = getattr(e.nomad_resp, "text", "")
        if text is not None:
            assert text in body, f"expected {text!r} in the error body, got {body!r}"
        return e
    except nexc.BaseNomadException as e:
        status = getattr(e.nomad_resp, "status_code", None)
        raise AssertionError(f"expected {exc_type.__name__}, got {type(e).__name__} (HTTP {status}): {e}") from e
    raise AssertionError(f"expected {exc_type.__name__}, but the call succeeded")


# --- steps -------------------------------------------------------------------------------


def step_anonymous_self_before_bootstrap():
    tok = client().acl.get_self_token()
    assert tok["AccessorID"] == "anonymous", tok
    assert tok["Policies"] == ["anonymous"], tok
    assert tok["Type"] == "client", tok


def step_token_list_needs_a_token():
    expect_raises(nexc.URLNotAuthorizedNomadException, lambda: client().acl.get_tokens(), "Permission denied")


def step_bootstrap():
    tok = client().acl.generate_bootstrap()
    assert tok["Name"] == "Bootstrap Token", tok
    assert tok["Type"] == "management", tok
    assert tok["Global"] is True, tok
    assert tok["Policies"] is None, tok
    assert UUID_RE.match(tok["SecretID"]), tok
    assert UUID_RE.match(tok["AccessorID"]), tok
    assert tok["CreateIndex"] == tok["ModifyIndex"] > 0, tok
    Ctx.bootstrap = tok


def step_bootstrap_twice_is_refused():
    idx = Ctx.bootstrap["CreateIndex"]
    e = expect_raises(nexc.BadRequestNomadException, lambda: client().acl.generate_bootstrap())
    assert e.nomad_resp.text == f"ACL bootstrap already done (reset index: {idx})", e.nomad_resp.text


def step_management_token_self():
    tok = mgmt().acl.get_self_token()
    assert tok["AccessorID"] == Ctx.bootstrap["AccessorID"], tok
    assert tok["SecretID"] == Ctx.bootstrap["SecretID"], tok
    assert tok["Type"] == "management", tok


def step_policy_create():
    resp = mgmt().acl.create_policy(POLICY, {"Name": POLICY, "Description": "made by python-nomad", "Rules": RULES})
    assert resp.status_code == 200, resp.status_code
    assert resp.text == "", repr(resp.text)
    assert int(resp.headers["X-Nomad-Index"]) > Ctx.bootstrap["CreateIndex"], resp.headers


def step_policy_read():
    p = mgmt().acl.get_policy(POLICY)
    assert p["Name"] == POLICY, p
    assert p["Description"] == "made by python-nomad", p
    assert p["Rules"] == RULES, p
    assert isinstance(p.get("RulesJSON"), dict), p
    assert p["CreateIndex"] == p["ModifyIndex"] > 0, p
    Ctx.policy = p


def step_policy_list():
    names = [p["Name"] for p in mgmt().acl.get_policies()]
    assert POLICY in names, names
    stub = [p for p in mgmt().acl.get_policies() if p["Name"] == POLICY][0]
    assert "Rules" not in stub, stub


def step_policy_update():
    resp = mgmt().acl.update_policy(POLICY, {"Name": POLICY, "Description": "updated", "Rules": RULES})
    assert resp.status_code == 200, resp.status_code
    p = mgmt().acl.get_policy(POLICY)
    assert p["Description"] == "updated", p
    assert p["CreateIndex"] == Ctx.policy["CreateIndex"], p
    assert p["ModifyIndex"] > Ctx.policy["ModifyIndex"], p


def step_policy_invalid_is_refused():
    e = expect_raises(
        nexc.BadRequestNomadException,
        lambda: mgmt().acl.create_policy("bad_name", {"Name": "bad_name", "Rules": RULES}),
    )
    assert e.nomad_resp.text == "policy 0 invalid: 1 error occurred:\n\t* invalid name 'bad_name'\n\n", repr(
        e.nomad_resp.text
    )


def step_policy_namespace_param_is_harmless():
    # python-nomad adds ?namespace= to acl/* calls when a namespace is set.
    names = [p["Name"] for p in client(Ctx.bootstrap["SecretID"], namespace="default").acl.get_policies()]
    assert POLICY in names, names


def step_token_create():
    tok = mgmt().acl.create_token({"Name": f"py-{SUFFIX}", "Type": "client", "Policies": [POLICY]})
    assert tok["Name"] == f"py-{SUFFIX}", tok
    assert tok["Type"] == "client", tok
    assert tok["Policies"] == [POLICY], tok
    assert UUID_RE.match(tok["AccessorID"]) and UUID_RE.match(tok["SecretID"]), tok
    assert tok["Global"] is False, tok
    Ctx.token = tok


def step_token_list():
    tokens = mgmt().acl.get_tokens()
    by_id = {t["AccessorID"]: t for t in tokens}
    assert Ctx.token["AccessorID"] in by_id, list(by_id)
    assert Ctx.bootstrap["AccessorID"] in by_id, list(by_id)
    for t in tokens:
        assert "SecretID" not in t, t
    assert by_id[Ctx.token["AccessorID"]]["Name"] == f"py-{SUFFIX}"


def step_token_read():
    tok = mgmt().acl.get_token(Ctx.token["AccessorID"])
    assert tok["SecretID"] == Ctx.token["SecretID"], tok
    assert tok["Policies"] == [POLICY], tok


def step_client_token_self_and_limits():
    c = client(Ctx.token["SecretID"])
    me = c.acl.get_self_token()
    assert me["AccessorID"] == Ctx.token["AccessorID"], me
    # A client token reads its own policy, not the token list.
    assert c.acl.get_policy(POLICY)["Name"] == POLICY
    expect_raises(nexc.URLNotAuthorizedNomadException, lambda: c.acl.get_tokens(), "Permission denied")
    expect_raises(
        nexc.URLNotAuthorizedNomadException,
        lambda: c.acl.get_token(Ctx.bootstrap["AccessorID"]),
        "Permission denied",
    )


def step_token_update():
    body = {
        "AccessorID": Ctx.token["AccessorID"],
        "Name": f"py-{SUFFIX}-renamed",
        "Type": "client",
        "Policies": [POLICY],
    }
    tok = mgmt().acl.update_token(Ctx.token["AccessorID"], body)
    assert tok["Name"] == f"py-{SUFFIX}-renamed", tok
    assert tok["SecretID"] == Ctx.token["SecretID"], tok
    assert tok["CreateIndex"] == Ctx.token["CreateIndex"], tok
    assert tok["ModifyIndex"] > Ctx.token["ModifyIndex"], tok
    assert mgmt().acl.get_token(Ctx.token["AccessorID"])["Name"] == f"py-{SUFFIX}-renamed"


def step_token_update_path_mismatch_is_refused():
    body = {"AccessorID": str(uuid.uuid4()), "Type": "client", "Policies": [POLICY]}
    e = expect_raises(nexc.BadRequestNomadException, lambda: mgmt().acl.update_token(Ctx.token["AccessorID"], body))
    assert e.nomad_resp.text == "ACL token accessor does not match request path", e.nomad_resp.text


def step_token_delete():
    assert mgmt().acl.delete_token(Ctx.token["AccessorID"]) is True
    expect_raises(
        nexc.URLNotFoundNomadException, lambda: mgmt().acl.get_token(Ctx.token["AccessorID"]), "ACL token not found"
    )
    expect_raises(nexc.URLNotAuthorizedNomadException, lambda: client(Ctx.token["SecretID"]).acl.get_self_token())


def step_token_delete_missing_is_refused():
    missing = str(uuid.uuid4())
    e = expect_raises(nexc.BadRequestNomadException, lambda: mgmt().acl.delete_token(missing))
    assert e.nomad_resp.text == f"Cannot delete nonexistent tokens: {missing}", e.nomad_resp.text


def step_policy_delete():
    assert mgmt().acl.delete_policy(POLICY) is True
    expect_raises(nexc.URLNotFoundNomadException, lambda: mgmt().acl.get_policy(POLICY), "ACL policy not found")
    assert POLICY not in [p["Name"] for p in mgmt().acl.get_policies()]


STEPS = [
    step_anonymous_self_before_bootstrap,
    step_token_list_needs_a_token,
    step_bootstrap,
    step_bootstrap_twice_is_refused,
    step_management_token_self,
    step_policy_create,
    step_policy_read,
    step_policy_list,
    step_policy_update,
    step_policy_invalid_is_refused,
    step_policy_namespace_param_is_harmless,
    step_token_create,
    step_token_list,
    step_token_read,
    step_client_token_self_and_limits,
    step_token_update,
    step_token_update_path_mismatch_is_refused,
    step_token_delete,
    step_token_delete_missing_is_refused,
    step_policy_delete,
]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    Ctx.address = sys.argv[1].rstrip("/")
    print(f"python-nomad {getattr(nomad, '__version__', '2.1.0')} against {Ctx.address}")
    passed = failed = 0
    for step in STEPS:
        name = step.__name__[len("step_"):]
        try:
            step()
        except Exception:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(limit=3, file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
