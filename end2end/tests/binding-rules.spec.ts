import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { demoSecret, nomad, signIn, suffix } from '../support/nomad';

// Other specs run at the same time against the same demo: every assertion is
// about objects this spec created, found through unique names. Each test makes
// its own JWT auth method (the demo's `okta` is shared).

const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });

async function createMethod(name: string) {
  await nomad('PUT', '/v1/acl/auth-method', {
    Name: name,
    Type: 'JWT',
    TokenLocality: 'local',
    MaxTokenTTL: '1h',
    Config: {
      JWKSURL: 'https://example.invalid/jwks.json',
      ClaimMappings: { email: 'email', name: 'name' },
      ListClaimMappings: { groups: 'groups' },
    },
  });
}

async function createRole(name: string, policy: string): Promise<any> {
  await nomad('PUT', `/v1/acl/policy/${policy}`, { Name: policy, Rules: 'node { policy = "read" }' });
  return nomad('PUT', '/v1/acl/role', { Name: name, Policies: [{ Name: policy }] });
}

async function createRule(fields: Record<string, unknown>): Promise<any> {
  return nomad('PUT', '/v1/acl/binding-rule', fields);
}

async function ruleOrNull(id: string): Promise<any | null> {
  try {
    return await nomad('GET', `/v1/acl/binding-rule/${id}`);
  } catch (e) {
    if (String(e).includes(' 404 ')) return null;
    throw e;
  }
}

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
    await signIn(page, demoSecret());

    await page.goto(`/binding-rules/new?auth_method=${method}`);
    await hydrated(page);
    await expect(page.getByLabel('Auth method')).toHaveValue(method);
    await page.getByLabel('Description (optional)').fill(`On-call ${s}`);
    await page.getByLabel('Selector (optional)').fill('"oncall" in list.groups');
    await page.locator('#rule-bind-type-role').check();
    await page.getByLabel('Bind name').fill(roleName);
    await expect(page.getByTestId('bind-name-note')).toHaveCount(0);
    await page.getByRole('button', { name: 'Create binding rule' }).click();
    await expect(page).toHaveURL(/\/binding-rules\/[0-9a-f-]{36}\?saved=1$/);
    await expect(page.getByTestId('rule-saved')).toBeVisible();
    const id = await page.getByTestId('rule-id').innerText();
    const stored = await nomad('GET', `/v1/acl/binding-rule/${id}`);
    expect([stored.AuthMethod, stored.Description, stored.Selector, stored.BindType, stored.BindName]).toEqual([
      method, `On-call ${s}`, '"oncall" in list.groups', 'role', roleName,
    ]);
    await expect(page.getByTestId('rule-title')).toHaveText(`On-call ${s}`);
    await expect(page.getByTestId('rule-bind-name').getByRole('link', { name: roleName })).toBeVisible();
    await expect(page.getByTestId('rule-cli')).toHaveText(
      `nomad acl binding-rule create -auth-method=${method} -bind-type=role -bind-name=${roleName} -selector='"oncall" in list.groups' -description='On-call ${s}'`,
    );

    // The list links it, filtered by its auth method through the URL.
    await page.goto(`/binding-rules?method=${method}`);
    await expect(page.getByTestId('rules-count')).toContainText('1 of');
    const row = page.locator(`tr[data-rule-id="${id}"]`);
    await expect(row).toContainText(roleName);
    await expect(row).toContainText('"oncall" in list.groups');
    await expect(row).toHaveAttribute('data-dangling', 'false');
    await row.getByRole('link', { name: `On-call ${s}`, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${id}$`));

    // Edit: the method is fixed; switch to a policy binding.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${id}/edit$`));
    await hydrated(page);
    await expect(page.getByTestId('rule-method-fixed')).toHaveText(method);
    // Nomad would keep the stored bind name: a role rule cannot become a management rule.
    await page.locator('#rule-bind-type-management').check();
    await expect(page.getByTestId('to-management-note')).toContainText('Create a new management rule instead');
    await page.locator('#rule-bind-type-policy').check();
    await page.getByLabel('Bind name').fill(policy);
    await page.getByLabel('Selector (optional)').fill('value.email == "jane@acme.com"');
    await page.getByRole('button', { name: 'Save binding rule' }).click();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${id}\\?saved=1$`));
    await expect(page.getByTestId('rule-bind-type')).toHaveText('policy');
    const edited = await nomad('GET', `/v1/acl/binding-rule/${id}`);
    expect([edited.BindType, edited.BindName, edited.Selector, edited.Description]).toEqual([
      'policy', policy, 'value.email == "jane@acme.com"', `On-call ${s}`,
    ]);

    // Delete from the list's link: the confirmation names the rule.
    await page.goto(`/binding-rules?method=${method}`);
    await page.getByRole('link', { name: `Delete binding rule On-call ${s}` }).click();
    await expect(page.getByTestId('delete-rule')).toHaveAttribute('open', '');
    await expect(page.getByTestId('delete-rule').getByRole('heading')).toContainText(`Delete binding rule On-call ${s}`);
    await hydrated(page);
    await page.getByRole('button', { name: `Yes, delete binding rule On-call ${s}` }).click();
    await expect(page).toHaveURL(/\/binding-rules\?deleted=/);
    await expect(page.getByTestId('rule-deleted')).toContainText(`On-call ${s}`);
    expect(await ruleOrNull(id)).toBeNull();
    await cleanup(method, role, policy);
  });

  test("each field is checked with Nomad's messages; Nomad's refusals show at their field", async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    await signIn(page, demoSecret());
    await page.goto(`/binding-rules/new?auth_method=${method}`);
    await hydrated(page);

    // Bind name required for a role, only once a save was tried; nothing is sent.
    await page.getByRole('button', { name: 'Create binding rule' }).click();
    await expect(page.getByTestId('bind-name-error')).toContainText('bind name is missing');
    await expect(page).toHaveURL(/\/binding-rules\/new/);
    // Management takes no name.
    await page.getByLabel('Bind name').fill('x');
    await page.locator('#rule-bind-type-management').check();
    await expect(page.getByTestId('bind-name-error')).toContainText('bind name should be empty');
    await page.getByLabel('Bind name').fill('');
    await expect(page.getByTestId('bind-name-error')).not.toContainText('bind name');
    // A role that does not exist: allowed, but said.
    await page.locator('#rule-bind-type-role').check();
    await page.getByLabel('Bind name').fill(`nope-${s}`);
    await expect(page.getByTestId('bind-name-note')).toContainText(`No role named nope-${s} exists`);
    // Description over 256.
    await page.getByLabel('Description (optional)').fill('d'.repeat(257));
    await expect(page.getByTestId('description-error')).toContainText('description longer than 256');
    await page.getByLabel('Description (optional)').fill(`bad selector ${s}`);
    // The selector is checked by the server with go-bexpr's parser.
    await page.getByLabel('Selector (optional)').fill('value.email = "x"');
    await page.getByRole('button', { name: 'Create binding rule' }).click();
    await expect(page.getByTestId('selector-server-error')).toContainText('selector is invalid: 1:');
    await expect(page).toHaveURL(/\/binding-rules\/new/);

    // Nomad's own refusal: the auth method was deleted meanwhile.
    await page.getByLabel('Selector (optional)').fill('');
    await nomad('DELETE', `/v1/acl/auth-method/${method}`);
    await page.getByRole('button', { name: 'Create binding rule' }).click();
    await expect(page.getByTestId('method-server-error')).toHaveText(`ACL auth method ${method} not found`);
    await cleanup(method);
  });

  test('the selector tester on the editor: mapped claims, match, no match, errors, without a reload', async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    await signIn(page, demoSecret());
    await page.goto(`/binding-rules/new?auth_method=${method}`);
    await hydrated(page);
    await expect(page.getByTestId('tester-variables')).toHaveText(
      `With ${method}, selectors can use: value.email, value.name, list.groups.`,
    );
    const url = page.url();
    const verdict = page.getByTestId('tester-verdict');

    await page.getByLabel('Selector (optional)').fill('"oncall" in list.groups and value.email matches ".*@acme\\\\.com$"');
    await page.getByLabel('Claims (JSON)').fill(jane);
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(verdict).toHaveAttribute('data-outcome', 'match');
    const mapped = page.getByTestId('tester-mapped');
    await expect(mapped).toContainText('value.email');
    await expect(mapped).toContainText('"jane@acme.com"');
    await expect(mapped).toContainText('list.groups');
    await expect(mapped).toContainText('["oncall","payments"]');
    expect(page.url()).toBe(url);

    // list `contains`, no match.
    await page.getByLabel('Selector (optional)').fill('list.groups contains "admins"');
    await expect(page.getByTestId('tester-stale')).toBeVisible();
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(verdict).toHaveAttribute('data-outcome', 'no-match');

    // A mapped claim the login lacks: evaluation fails, which Nomad counts as no match.
    await page.getByLabel('Selector (optional)').fill('value.name == "Jane"');
    await page.getByLabel('Claims (JSON)').fill('{"email": "bob@acme.com"}');
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(verdict).toHaveAttribute('data-outcome', 'no-match');
    await expect(page.getByTestId('tester-detail')).toContainText('name');
    await expect(page.getByTestId('tester-absent')).toContainText('groups, name');

    // Selector error, claims error.
    await page.getByLabel('Selector (optional)').fill('value.name ==');
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(verdict).toHaveAttribute('data-outcome', 'selector-error');
    await expect(page.getByTestId('tester-detail')).toContainText('selector is invalid');
    await page.getByLabel('Selector (optional)').fill('');
    await page.getByLabel('Claims (JSON)').fill('{"email": ');
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(verdict).toHaveAttribute('data-outcome', 'claims-error');
    await expect(verdict).toContainText('not valid JSON');
    await page.getByLabel('Claims (JSON)').fill('{"email": ["a", "b"]}');
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(verdict).toContainText('"email" is a list');
    // Empty selector: every login.
    await page.getByLabel('Claims (JSON)').fill('{}');
    await page.getByRole('button', { name: 'Test the selector' }).click();
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
    await signIn(page, demoSecret());

    await page.goto(`/binding-rules/${rule.ID}`);
    await page.getByLabel('Claims (JSON)').fill(jane);
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(page).toHaveURL(new RegExp(`/binding-rules/${rule.ID}\\?claims=.*test=1`));
    await expect(page.getByTestId('tester-verdict')).toHaveAttribute('data-outcome', 'match');
    await expect(page.getByLabel('Claims (JSON)')).toHaveValue(jane);
    await page.getByLabel('Claims (JSON)').fill('{"groups": ["dev"]}');
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(page.getByTestId('tester-verdict')).toHaveAttribute('data-outcome', 'no-match');

    // The editor: testing keeps the draft (a GET to the same page).
    await page.goto(`/binding-rules/new?auth_method=${method}`);
    await page.getByLabel('Description (optional)').fill(`made without js ${s}`);
    await page.getByLabel('Selector (optional)').fill('value.email == "jane@acme.com"');
    await page.locator('#rule-bind-type-management').check();
    await page.getByLabel('Bind name').fill('oops');
    await page.getByLabel('Claims (JSON)').fill(jane);
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(page).toHaveURL(/\/binding-rules\/new\?.*test=1/);
    await expect(page.getByTestId('tester-verdict')).toHaveAttribute('data-outcome', 'match');
    await expect(page.getByLabel('Description (optional)')).toHaveValue(`made without js ${s}`);
    await expect(page.getByLabel('Selector (optional)')).toHaveValue('value.email == "jane@acme.com"');
    await expect(page.locator('#rule-bind-type-management')).toBeChecked();

    // Saving is refused (management with a name): back with the draft and the message at the field.
    await page.getByRole('button', { name: 'Create binding rule' }).click();
    await expect(page).toHaveURL(/\/binding-rules\/new\?/);
    await expect(page.getByTestId('bind-name-server-error')).toHaveText('bind name should be empty');
    await expect(page.getByLabel('Bind name')).toHaveValue('oops');
    await expect(page.getByLabel('Description (optional)')).toHaveValue(`made without js ${s}`);
    await page.getByLabel('Bind name').fill('');
    await page.getByRole('button', { name: 'Create binding rule' }).click();
    await expect(page).toHaveURL(/\/binding-rules\/[0-9a-f-]{36}\?saved=1$/);
    const id = await page.getByTestId('rule-id').innerText();
    const stored = await nomad('GET', `/v1/acl/binding-rule/${id}`);
    expect([stored.BindType, stored.BindName, stored.Description]).toEqual(['management', '', `made without js ${s}`]);

    // Delete, still without JavaScript.
    await page.goto(`/binding-rules/${id}?delete=1`);
    await page.getByRole('button', { name: `Yes, delete binding rule made without js ${s}` }).click();
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
    await signIn(page, demoSecret());

    await page.goto(`/binding-rules?method=${method}`);
    await expect(page.locator(`tr[data-rule-id="${missingRole.ID}"] [data-dangling="role"]`)).toContainText('(no such role)');
    await expect(page.locator(`tr[data-rule-id="${missingPolicy.ID}"] [data-dangling="policy"]`)).toContainText('(no such policy)');
    await expect(page.locator(`tr[data-rule-id="${fine.ID}"]`)).toHaveAttribute('data-dangling', 'false');
    await page.goto(`/binding-rules?method=${method}&dangling=1`);
    await expect(page.getByTestId('rule-row')).toHaveCount(2);
    await page.goto(`/binding-rules?method=${gone}`);
    await expect(page.locator(`tr[data-rule-id="${orphan.ID}"] [data-dangling="auth-method"]`)).toContainText('(deleted)');
    await expect(page.getByLabel('Auth method')).toHaveValue(gone);
    await page.goto(`/binding-rules/${orphan.ID}`);
    await expect(page.getByTestId('dangling-method')).toContainText(`The auth method ${gone} was deleted`);
    await page.goto(`/binding-rules/${missingRole.ID}`);
    await expect(page.getByTestId('dangling-target')).toContainText(`No role named no-role-${s} exists`);
    await cleanup(method);
    await cleanup(gone);
  });

  test("the tester on a rule's page keeps the typed claims and its answer when a change elsewhere refreshes the page", async ({ page }) => {
    const s = suffix();
    const method = `e2e-jwt-${s}`;
    await createMethod(method);
    const rule = await createRule({ AuthMethod: method, Description: `kept ${s}`, Selector: '"oncall" in list.groups', BindType: 'management' });
    await signIn(page, demoSecret());
    await page.goto(`/binding-rules/${rule.ID}`);
    await hydrated(page);
    // Another rule changes (as another admin or spec would): the page refetches its rule.
    const changeElsewhere = async (n: number) => {
      const refetched = page.waitForResponse((r) => r.url().includes('/api/get_binding_rule') && r.request().method() === 'POST');
      await createRule({ AuthMethod: method, Description: `elsewhere ${n} ${s}`, BindType: 'management' });
      await refetched;
    };
    await page.getByLabel('Claims (JSON)').fill(jane);
    await changeElsewhere(1);
    await expect(page.getByLabel('Claims (JSON)')).toHaveValue(jane);
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(page.getByTestId('tester-verdict')).toHaveAttribute('data-outcome', 'match');
    await changeElsewhere(2);
    await expect(page.getByTestId('tester-verdict')).toHaveAttribute('data-outcome', 'match');
    await expect(page.getByLabel('Claims (JSON)')).toHaveValue(jane);
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
    await signIn(page, demoSecret());
    for (const path of [`/binding-rules?method=${method}`, `/binding-rules/${rule.ID}`, `/binding-rules/${rule.ID}/edit`]) {
      await page.goto(path);
      await hydrated(page);
      await expect(page.locator('main b, main img, main i')).toHaveCount(0);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    }
    await page.goto(`/binding-rules/${rule.ID}`);
    await expect(page.getByTestId('rule-description')).toHaveText(description);
    await hydrated(page);
    await page.getByLabel('Claims (JSON)').fill('{"name": "<b>x</b>", "email": "<img src=x onerror=\\"window.__pwned=1\\">"}');
    await page.getByRole('button', { name: 'Test the selector' }).click();
    await expect(page.getByTestId('tester-verdict')).toHaveAttribute('data-outcome', 'match');
    await expect(page.getByTestId('tester-mapped')).toContainText('"<b>x</b>"');
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
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await cleanup(method);
    });
  }
});
