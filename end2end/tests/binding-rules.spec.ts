import { test, expect } from '@playwright/test';
import { seriousAxeViolations } from '../support/accessibility';
import { expectTextNotMarkup } from '../support/markup';
import { createJwtMethod, createPolicy, createRole as createNomadRole, demoSecret, getOrNull, nomad, suffix } from '../support/nomad';
import { BindingRuleEditor } from '../pages/bindingRuleEditor';
import { BindingRulePage } from '../pages/bindingRulePage';
import { BindingRulesListPage } from '../pages/bindingRulesListPage';
import { hydrated } from '../pages/hydrated';
import { signIn } from '../pages/signInPage';

// Other specs run at the same time against the same demo: every assertion is
// about objects this spec created, found through unique names. Each test makes
// its own JWT auth method (the demo's `okta` is shared).

const createMethod = (name: string) =>
  createJwtMethod(name, {
    JWKSURL: 'https://example.invalid/jwks.json',
    ClaimMappings: { email: 'email', name: 'name' },
    ListClaimMappings: { groups: 'groups' },
  });

async function createRole(name: string, policy: string): Promise<any> {
  await createPolicy(policy, 'node { policy = "read" }');
  return createNomadRole(name, [policy]);
}

const createRule = (fields: Record<string, unknown>): Promise<any> => nomad('PUT', '/v1/acl/binding-rule', fields);
const ruleOrNull = (id: string) => getOrNull(`/v1/acl/binding-rule/${id}`);

async function cleanup(method: string, role?: any, policy?: string) {
  for (const r of (await nomad('GET', '/v1/acl/binding-rules')) as any[]) {
    if (r.AuthMethod === method) await nomad('DELETE', `/v1/acl/binding-rule/${r.ID}`);
  }
  await nomad('DELETE', `/v1/acl/auth-method/${method}`).catch(() => {});
  if (role) await nomad('DELETE', `/v1/acl/role/${role.ID}`);
  if (policy) await nomad('DELETE', `/v1/acl/policy/${policy}`);
}

const jane = JSON.stringify({ email: 'jane@acme.com', name: 'Jane', groups: ['oncall', 'payments'] });

test.describe('binding rules', () => {
  // Several page loads each, and a debug build hydrates slowly on a busy machine.
  test.slow();

  test('create, edit and delete with a confirmation naming the rule', async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    const policy = `e2e-brp-${s}`;
    const roleName = `e2e-brr-${s}`;
    await createMethod(method);
    const role = await createRole(roleName, policy);
    const editor = new BindingRuleEditor(page);
    const rulePage = new BindingRulePage(page);
    const list = new BindingRulesListPage(page);
    await signIn(page, demoSecret());

    await editor.gotoNew(method);
    await hydrated(page);
    await expect(editor.authMethod).toHaveValue(method);
    await editor.description.fill(`On-call ${s}`);
    await editor.selector.fill('"oncall" in list.groups');
    await editor.bindType('role').check();
    await editor.bindName.fill(roleName);
    await expect(editor.bindNameNote).toHaveCount(0);
    await editor.create();
    await expect(page).toHaveURL(/\/binding-rules\/[0-9a-f-]{36}\?saved=1$/);
    await expect(rulePage.savedNotice).toBeVisible();
    const id = await rulePage.id.innerText();
    const stored = await nomad('GET', `/v1/acl/binding-rule/${id}`);
    expect([stored.AuthMethod, stored.Description, stored.Selector, stored.BindType, stored.BindName]).toEqual([
      method, `On-call ${s}`, '"oncall" in list.groups', 'role', roleName,
    ]);
    await expect(rulePage.title).toHaveText(`On-call ${s}`);
    await expect(rulePage.bindName.getByRole('link', { name: roleName })).toBeVisible();
    await expect(rulePage.cli).toHaveText(
      `nomad acl binding-rule create -auth-method=${method} -bind-type=role -bind-name=${roleName} -selector='"oncall" in list.groups' -description='On-call ${s}'`,
    );

    // The list links it, filtered by its auth method through the URL.
    await list.goto(`?method=${method}`);
    await expect(list.count).toContainText('1 of');
    const row = list.row(id);
    await expect(row).toContainText(roleName);
    await expect(row).toContainText('"oncall" in list.groups');
    await expect(row).toHaveAttribute('data-dangling', 'false');
    await row.getByRole('link', { name: `On-call ${s}`, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${id}$`));

    // Edit: the method is fixed; switch to a policy binding.
    await rulePage.edit();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${id}/edit$`));
    await hydrated(page);
    await expect(editor.fixedMethod).toHaveText(method);
    // Nomad would keep the stored bind name: a role rule cannot become a management rule.
    await editor.bindType('management').check();
    await expect(editor.toManagementNote).toContainText('Create a new management rule instead');
    await editor.bindType('policy').check();
    await editor.bindName.fill(policy);
    await editor.selector.fill('value.email == "jane@acme.com"');
    await editor.save();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${id}\\?saved=1$`));
    await expect(rulePage.bindType).toHaveText('policy');
    const edited = await nomad('GET', `/v1/acl/binding-rule/${id}`);
    expect([edited.BindType, edited.BindName, edited.Selector, edited.Description]).toEqual([
      'policy', policy, 'value.email == "jane@acme.com"', `On-call ${s}`,
    ]);

    // Delete from the list's link: the confirmation names the rule.
    await list.goto(`?method=${method}`);
    await list.startDelete(`On-call ${s}`);
    await expect(rulePage.deletePanel).toHaveAttribute('open', '');
    await expect(rulePage.deletePanel.getByRole('heading')).toContainText(`Delete binding rule On-call ${s}`);
    await hydrated(page);
    await rulePage.confirmDelete(`On-call ${s}`);
    await expect(page).toHaveURL(/\/binding-rules\?deleted=/);
    await expect(list.deletedNotice).toContainText(`On-call ${s}`);
    expect(await ruleOrNull(id)).toBeNull();
    await cleanup(method, role, policy);
  });

  test("each field is checked with Nomad's messages; Nomad's refusals show at their field", async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    const editor = new BindingRuleEditor(page);
    await signIn(page, demoSecret());
    await editor.gotoNew(method);
    await hydrated(page);

    // Bind name required for a role, only once a save was tried; nothing is sent.
    await editor.create();
    await expect(editor.error('bind-name')).toContainText('bind name is missing');
    await expect(page).toHaveURL(/\/binding-rules\/new/);
    // Management takes no name.
    await editor.bindName.fill('x');
    await editor.bindType('management').check();
    await expect(editor.error('bind-name')).toContainText('bind name should be empty');
    await editor.bindName.fill('');
    await expect(editor.error('bind-name')).not.toContainText('bind name');
    // A role that does not exist: allowed, but said.
    await editor.bindType('role').check();
    await editor.bindName.fill(`nope-${s}`);
    await expect(editor.bindNameNote).toContainText(`No role named nope-${s} exists`);
    // Description over 256.
    await editor.description.fill('d'.repeat(257));
    await expect(editor.error('description')).toContainText('description longer than 256');
    await editor.description.fill(`bad selector ${s}`);
    // The selector is checked by the server with go-bexpr's parser.
    await editor.selector.fill('value.email = "x"');
    await editor.create();
    await expect(editor.serverError('selector')).toContainText('selector is invalid: 1:');
    await expect(page).toHaveURL(/\/binding-rules\/new/);

    // Nomad's own refusal: the auth method was deleted meanwhile.
    await editor.selector.fill('');
    await nomad('DELETE', `/v1/acl/auth-method/${method}`);
    await editor.create();
    await expect(editor.serverError('method')).toHaveText(`ACL auth method ${method} not found`);
    await cleanup(method);
  });

  test('the selector tester on the editor: mapped claims, match, no match, errors, without a reload', async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    const editor = new BindingRuleEditor(page);
    const tester = editor.tester;
    await signIn(page, demoSecret());
    await editor.gotoNew(method);
    await hydrated(page);
    await expect(tester.variables).toHaveText(
      `With ${method}, selectors can use: value.email, value.name, list.groups.`,
    );
    const url = page.url();
    const verdict = tester.verdict;

    await editor.selector.fill('"oncall" in list.groups and value.email matches ".*@acme\\\\.com$"');
    await tester.testClaims(jane);
    await expect(verdict).toHaveAttribute('data-outcome', 'match');
    const mapped = tester.mapped;
    await expect(mapped).toContainText('value.email');
    await expect(mapped).toContainText('"jane@acme.com"');
    await expect(mapped).toContainText('list.groups');
    await expect(mapped).toContainText('["oncall","payments"]');
    expect(page.url()).toBe(url);

    // list `contains`, no match.
    await editor.selector.fill('list.groups contains "admins"');
    await expect(tester.stale).toBeVisible();
    await tester.test();
    await expect(verdict).toHaveAttribute('data-outcome', 'no-match');

    // A mapped claim the login lacks: evaluation fails, which Nomad counts as no match.
    await editor.selector.fill('value.name == "Jane"');
    await tester.testClaims('{"email": "bob@acme.com"}');
    await expect(verdict).toHaveAttribute('data-outcome', 'no-match');
    await expect(tester.detail).toContainText('name');
    await expect(tester.absent).toContainText('groups, name');

    // Selector error, claims error.
    await editor.selector.fill('value.name ==');
    await tester.test();
    await expect(verdict).toHaveAttribute('data-outcome', 'selector-error');
    await expect(tester.detail).toContainText('selector is invalid');
    await editor.selector.fill('');
    await tester.testClaims('{"email": ');
    await expect(verdict).toHaveAttribute('data-outcome', 'claims-error');
    await expect(verdict).toContainText('not valid JSON');
    await tester.testClaims('{"email": ["a", "b"]}');
    await expect(verdict).toContainText('"email" is a list');
    // Empty selector: every login.
    await tester.testClaims('{}');
    await expect(verdict).toContainText('every login');
    expect(page.url()).toBe(url);
    // Nothing was saved.
    const rules = (await nomad('GET', '/v1/acl/binding-rules')) as any[];
    expect(rules.filter((r) => r.AuthMethod === method)).toEqual([]);
    await cleanup(method);
  });

  test('without JavaScript: tester on the rule page and on the editor, a refused create with the draft, then create', async ({ browser }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    const rule = await createRule({ AuthMethod: method, Description: `nojs ${s}`, Selector: '"oncall" in list.groups', BindType: 'management' });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const rulePage = new BindingRulePage(page);
    const editor = new BindingRuleEditor(page);
    const tester = rulePage.tester;
    await signIn(page, demoSecret());

    await rulePage.goto(rule.ID);
    await tester.testClaims(jane);
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${rule.ID}\\?claims=.*test=1`));
    await expect(tester.verdict).toHaveAttribute('data-outcome', 'match');
    await expect(tester.claims).toHaveValue(jane);
    await tester.testClaims('{"groups": ["dev"]}');
    await expect(tester.verdict).toHaveAttribute('data-outcome', 'no-match');

    // The editor: testing keeps the draft (a GET to the same page).
    await editor.gotoNew(method);
    await editor.description.fill(`made without js ${s}`);
    await editor.selector.fill('value.email == "jane@acme.com"');
    await editor.bindType('management').check();
    await editor.bindName.fill('oops');
    await editor.tester.testClaims(jane);
    await expect(page).toHaveURL(/\/binding-rules\/new\?.*test=1/);
    await expect(tester.verdict).toHaveAttribute('data-outcome', 'match');
    await expect(editor.description).toHaveValue(`made without js ${s}`);
    await expect(editor.selector).toHaveValue('value.email == "jane@acme.com"');
    await expect(editor.bindType('management')).toBeChecked();

    // Saving is refused (management with a name): back with the draft and the message at the field.
    await editor.create();
    await expect(page).toHaveURL(/\/binding-rules\/new\?/);
    await expect(editor.serverError('bind-name')).toHaveText('bind name should be empty');
    await expect(editor.bindName).toHaveValue('oops');
    await expect(editor.description).toHaveValue(`made without js ${s}`);
    await editor.bindName.fill('');
    await editor.create();
    await expect(page).toHaveURL(/\/binding-rules\/[0-9a-f-]{36}\?saved=1$/);
    const id = await rulePage.id.innerText();
    const stored = await nomad('GET', `/v1/acl/binding-rule/${id}`);
    expect([stored.BindType, stored.BindName, stored.Description]).toEqual(['management', '', `made without js ${s}`]);

    // Delete, still without JavaScript.
    await rulePage.goto(id, '?delete=1');
    await rulePage.confirmDelete(`made without js ${s}`);
    await expect(page).toHaveURL(/\/binding-rules\?deleted=/);
    expect(await ruleOrNull(id)).toBeNull();
    await context.close();
    await cleanup(method);
  });

  test('rules whose auth method, role or policy is gone are marked, and ?dangling=1 keeps them', async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    const gone = `e2e-jwt-gone-${s}`;
    await createMethod(method);
    await createMethod(gone);
    const missingRole = await createRule({ AuthMethod: method, Description: `missing role ${s}`, BindType: 'role', BindName: `no-role-${s}` });
    const missingPolicy = await createRule({ AuthMethod: method, Description: `missing policy ${s}`, BindType: 'policy', BindName: `no-policy-${s}` });
    const fine = await createRule({ AuthMethod: method, Description: `fine ${s}`, BindType: 'management' });
    const orphan = await createRule({ AuthMethod: gone, Description: `orphan ${s}`, BindType: 'management' });
    await nomad('DELETE', `/v1/acl/auth-method/${gone}`);
    const list = new BindingRulesListPage(page);
    const rulePage = new BindingRulePage(page);
    await signIn(page, demoSecret());

    await list.goto(`?method=${method}`);
    await expect(list.dangling(missingRole.ID, 'role')).toContainText('(no such role)');
    await expect(list.dangling(missingPolicy.ID, 'policy')).toContainText('(no such policy)');
    await expect(list.row(fine.ID)).toHaveAttribute('data-dangling', 'false');
    await list.goto(`?method=${method}&dangling=1`);
    await expect(list.rows).toHaveCount(2);
    await list.goto(`?method=${gone}`);
    await expect(list.dangling(orphan.ID, 'auth-method')).toContainText('(deleted)');
    await expect(list.authMethod).toHaveValue(gone);
    await rulePage.goto(orphan.ID);
    await expect(rulePage.danglingMethod).toContainText(`The auth method ${gone} was deleted`);
    await rulePage.goto(missingRole.ID);
    await expect(rulePage.danglingTarget).toContainText(`No role named no-role-${s} exists`);
    await cleanup(method);
    await cleanup(gone);
  });

  test("the tester on a rule's page keeps the typed claims and its answer when a change elsewhere refreshes the page", async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    const rule = await createRule({ AuthMethod: method, Description: `kept ${s}`, Selector: '"oncall" in list.groups', BindType: 'management' });
    const rulePage = new BindingRulePage(page);
    const tester = rulePage.tester;
    await signIn(page, demoSecret());
    await rulePage.goto(rule.ID);
    await hydrated(page);
    // Another rule changes (as another admin or spec would): the page refetches its rule.
    const changeElsewhere = async (n: number) => {
      const refetched = page.waitForResponse((r) => r.url().includes('/api/get_binding_rule') && r.request().method() === 'POST');
      await createRule({ AuthMethod: method, Description: `elsewhere ${n} ${s}`, BindType: 'management' });
      await refetched;
    };
    await tester.claims.fill(jane);
    await changeElsewhere(1);
    await expect(tester.claims).toHaveValue(jane);
    await tester.test();
    await expect(tester.verdict).toHaveAttribute('data-outcome', 'match');
    await changeElsewhere(2);
    await expect(tester.verdict).toHaveAttribute('data-outcome', 'match');
    await expect(tester.claims).toHaveValue(jane);
    await cleanup(method);
  });

  test('user text shows as text, never as HTML', async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    const description = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const rule = await createRule({
      AuthMethod: method, Description: description, Selector: 'value.name == "<b>x</b>"', BindType: 'role', BindName: '<i>r</i>',
    });
    const rulePage = new BindingRulePage(page);
    await signIn(page, demoSecret());
    const pages = [`/binding-rules?method=${method}`, `/binding-rules/${rule.ID}`, `/binding-rules/${rule.ID}/edit`];
    await expectTextNotMarkup(page, pages, 'main b, main img, main i');
    await rulePage.goto(rule.ID);
    await expect(rulePage.description).toHaveText(description);
    await hydrated(page);
    await rulePage.tester.testClaims('{"name": "<b>x</b>", "email": "<img src=x onerror=\\"window.__pwned=1\\">"}');
    await expect(rulePage.tester.verdict).toHaveAttribute('data-outcome', 'match');
    await expect(rulePage.tester.mapped).toContainText('"<b>x</b>"');
    await expect(page.locator('main b, main img')).toHaveCount(0);
    await cleanup(method);
  });

  for (const path of ['/binding-rules', '/binding-rules/new', '/binding-rules/ID', '/binding-rules/ID/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const s = suffix();
      const method = `e2e-jwt-${s}`;
      await createMethod(method);
      const rule = await createRule({ AuthMethod: method, Description: `axe ${s}`, Selector: '"a" in list.groups', BindType: 'management' });
      await signIn(page, demoSecret());
      await page.goto(path.replace('ID', rule.ID));
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await cleanup(method);
    });
  }
});
