import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startConsole, startDevNomad } from '../support/console';
import { createToken, demoSecret, nomad, recordSecret, signIn, suffix } from '../support/nomad';

// Other specs run at the same time against the same demo: every assertion is
// about objects this spec created, found through unique names.

// Loading and starting the wasm can take a while on a busy machine (a debug build is large).
const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });

async function createPolicy(name: string) {
  await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Description: `about ${name}`, Rules: 'node { policy = "read" }' });
}

async function createRole(name: string, policies: string[], description = ''): Promise<any> {
  return nomad('PUT', '/v1/acl/role', { Name: name, Description: description, Policies: policies.map((p) => ({ Name: p })) });
}

async function roleByName(name: string): Promise<any | null> {
  try {
    return await nomad('GET', `/v1/acl/role/name/${name}`);
  } catch (e) {
    if (String(e).includes(' 404 ')) return null;
    throw e;
  }
}

/** Ticks a policy in the editor's picker (found through its search box). */
async function pick(page: Page, policy: string) {
  await page.getByPlaceholder('Search policies').fill(policy);
  await page.locator(`li[data-policy="${policy}"] input[type="checkbox"]`).check();
}

const roleRow = (page: Page, name: string) => page.locator(`tr[data-role="${name}"]`);

test.describe('roles', () => {
  test('create, rename (its tokens show the new name) and delete with a confirmation naming its tokens', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-rp-${s}`;
    const name = `e2e-role-${s}`;
    const renamed = `e2e-renamed-${s}`;
    await createPolicy(policy);
    await signIn(page, demoSecret());

    await page.goto('/roles/new');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description (optional)').fill('On-call engineers');
    await pick(page, policy);
    await expect(page.getByTestId('policy-picker')).toContainText(`1 selected: ${policy}`);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page).toHaveURL(/\/roles\/[0-9a-f-]{36}\?saved=1$/);
    await expect(page.getByTestId('role-saved')).toBeVisible();
    await expect(page.getByTestId('role-name')).toHaveText(name);
    await expect(page.getByTestId('role-description')).toHaveText('On-call engineers');
    await expect(page.getByTestId('role-policies').getByRole('link', { name: policy })).toHaveAttribute('href', `/policies/${policy}`);
    await expect(page.getByTestId('role-cli')).toHaveText(
      `nomad acl role create -name=${name} -description='On-call engineers' -policy=${policy}`,
    );
    await expect(page.getByTestId('role-tokens-empty')).toBeVisible();
    const stored = await roleByName(name);
    expect(stored.Description).toBe('On-call engineers');
    expect(stored.Policies).toEqual([{ Name: policy }]);
    await expect(page.getByTestId('role-id')).toHaveText(stored.ID);

    const token = await createToken({ Name: `e2e-rt-${s}`, Roles: [{ ID: stored.ID }] });
    await page.reload();
    const tokensTable = page.getByTestId('role-tokens');
    await expect(tokensTable.getByRole('link', { name: `e2e-rt-${s}` })).toHaveAttribute('href', `/tokens/${token.AccessorID}`);

    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/roles/${stored.ID}/edit$`));
    await hydrated(page);
    await expect(page.locator(`li[data-policy="${policy}"] input`)).toBeChecked();
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page).toHaveURL(new RegExp(`/roles/${stored.ID}\\?saved=1$`));
    await expect(page.getByTestId('role-name')).toHaveText(renamed);
    expect((await nomad('GET', `/v1/acl/role/${stored.ID}`)).Name).toBe(renamed);

    await page.goto(`/tokens?search=e2e-rt-${s}`);
    const tokenRow = page.locator(`[data-testid="token-row"][data-accessor="${token.AccessorID}"]`);
    await expect(tokenRow.getByRole('link', { name: renamed })).toHaveAttribute('href', `/roles/${stored.ID}`);
    await expect(tokenRow).not.toContainText(name);

    await page.goto(`/roles?search=${renamed}`);
    await expect(roleRow(page, renamed).locator('td').nth(3)).toHaveText('1');
    await roleRow(page, renamed).getByRole('link', { name: `Delete role ${renamed}` }).click();
    await expect(page).toHaveURL(new RegExp(`/roles/${stored.ID}\\?delete=1#delete$`));
    const panel = page.getByTestId('delete-role');
    await expect(panel).toHaveAttribute('open', '');
    await expect(panel.getByTestId('delete-tokens')).toContainText(`e2e-rt-${s}`);
    await expect(panel.getByTestId('delete-tokens')).toContainText(token.AccessorID);
    await hydrated(page);
    await page.getByRole('button', { name: `Yes, delete role ${renamed}` }).click();
    await expect(page).toHaveURL(new RegExp(`/roles\\?deleted=${renamed}$`));
    await expect(page.getByTestId('role-deleted')).toHaveText(`The role ${renamed} was deleted.`);
    expect(await roleByName(renamed)).toBeNull();
    await expect(page.getByTestId('roles-table')).not.toContainText(renamed);
    await nomad('DELETE', `/v1/acl/token/${token.AccessorID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('each field is checked as you type, with Nomad\'s own messages', async ({ page }) => {
    const policy = `e2e-rv-${suffix()}`;
    await createPolicy(policy);
    await signIn(page, demoSecret());
    await page.goto('/roles/new');
    await hydrated(page);
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('bad name');
    await expect(page.getByTestId('name-error')).toHaveText("invalid name 'bad name'");
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await name.fill('good-name');
    await expect(page.getByTestId('name-error')).toHaveText('');
    await expect(name).toHaveAttribute('aria-invalid', 'false');

    await page.getByLabel('Description (optional)').fill('d'.repeat(257));
    await expect(page.getByTestId('description-error')).toHaveText('description longer than 256');
    await expect(page.getByText('257 of 256 characters')).toBeVisible();
    await page.getByLabel('Description (optional)').fill('d'.repeat(256));
    await expect(page.getByTestId('description-error')).toHaveText('');

    await expect(page.getByTestId('policies-error')).toHaveText('');
    // Hidden until a search finds nothing (a `hidden` attribute: the CSP blocks inline styles).
    await expect(page.getByText('No policy matches this search.')).toBeHidden();
    await pick(page, policy);
    await page.locator(`li[data-policy="${policy}"] input`).uncheck();
    await expect(page.getByTestId('policies-error')).toHaveText('at least one policy should be specified');

    // The search box filters the picker.
    await page.getByPlaceholder('Search policies').fill(`nothing-${suffix()}`);
    await expect(page.locator(`li[data-policy="${policy}"]`)).toBeHidden();
    await expect(page.getByText('No policy matches this search.')).toBeVisible();
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test("Nomad's refusals show at their field: a taken name, a policy deleted meanwhile, a rename onto a taken name", async ({ page }) => {
    const s = suffix();
    const policy = `e2e-rr-${s}`;
    const gone = `e2e-rgone-${s}`;
    const taken = `e2e-taken-${s}`;
    await createPolicy(policy);
    await createPolicy(gone);
    const existing = await createRole(taken, [policy]);
    await signIn(page, demoSecret());

    await page.goto('/roles/new');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(taken);
    await pick(page, policy);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByTestId('name-server-error')).toHaveText(`role with name ${taken} already exists`);
    await expect(page).toHaveURL(/\/roles\/new$/);

    const fresh = `e2e-fresh-${s}`;
    await page.getByLabel('Name', { exact: true }).fill(fresh);
    await pick(page, gone);
    await nomad('DELETE', `/v1/acl/policy/${gone}`);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByTestId('policies-server-error')).toHaveText(`cannot find policy ${gone}`);
    expect(await roleByName(fresh)).toBeNull();

    // Renaming onto a taken name: Nomad answers 500 with its text, still shown at the name.
    const other = await createRole(`e2e-other-${s}`, [policy]);
    await page.goto(`/roles/${other.ID}/edit`);
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(taken);
    await page.getByRole('button', { name: 'Save role' }).click();
    await expect(page.getByTestId('name-server-error')).toHaveText(`ACL role with name ${taken} already exists`);
    expect((await nomad('GET', `/v1/acl/role/${other.ID}`)).Name).toBe(`e2e-other-${s}`);
    await nomad('DELETE', `/v1/acl/role/${other.ID}`);
    await nomad('DELETE', `/v1/acl/role/${existing.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('a deleted policy is marked on the role, not linked, in the list, the detail page and the editor', async ({ page }) => {
    const s = suffix();
    const kept = `e2e-kept-${s}`;
    const gone = `e2e-dp-${s}`;
    const name = `e2e-dangling-${s}`;
    await createPolicy(kept);
    await createPolicy(gone);
    const role = await createRole(name, [kept, gone]);
    await nomad('DELETE', `/v1/acl/policy/${gone}`);
    await signIn(page, demoSecret());

    await page.goto(`/roles?search=${name}`);
    const row = roleRow(page, name);
    await expect(row.getByRole('link', { name: kept })).toBeVisible();
    await expect(row.locator(`[data-deleted-policy="${gone}"]`)).toContainText('(deleted)');
    await expect(row.locator(`[data-deleted-policy="${gone}"]`)).toHaveAttribute('title', /deleted/);
    await expect(row.getByRole('link', { name: gone })).toHaveCount(0);

    await page.goto(`/roles/${role.ID}`);
    await expect(page.getByTestId('role-policies').locator(`[data-deleted-policy="${gone}"]`)).toBeVisible();
    await expect(page.getByTestId('deleted-policies-note')).toBeVisible();

    await page.goto(`/roles/${role.ID}/edit`);
    await expect(page.locator(`li[data-policy="${gone}"]`)).toContainText('deleted');
    await expect(page.locator(`li[data-policy="${gone}"] input`)).toBeChecked();
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${kept}`);
  });

  test('?unused=1 keeps only the roles no token carries; counts show expired tokens', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-ru-${s}`;
    await createPolicy(policy);
    const used = await createRole(`e2e-used-${s}`, [policy]);
    const idle = await createRole(`e2e-idle-${s}`, [policy]);
    const live = await createToken({ Name: `e2e-live-${s}`, Roles: [{ ID: used.ID }] });
    const now = Date.now();
    const expiredAccessor = crypto.randomUUID();
    const expiredSecret = crypto.randomUUID();
    recordSecret(expiredSecret);
    await nomad('PUT', `/v1/acl/token/${expiredAccessor}`, {
      AccessorID: expiredAccessor,
      SecretID: expiredSecret,
      Name: `e2e-old-${s}`,
      Type: 'client',
      Roles: [{ ID: used.ID }],
      CreateTime: new Date(now - 2 * 3600_000).toISOString(),
      // A minute ago: Nomad collects expired tokens only an hour after they expire.
      ExpirationTime: new Date(now - 60_000).toISOString(),
    });
    await signIn(page, demoSecret());

    await page.goto(`/roles?search=${s}`);
    await expect(page.getByTestId('role-row')).toHaveCount(2);
    await expect(roleRow(page, `e2e-used-${s}`).locator('td').nth(3)).toHaveText('2');
    await expect(roleRow(page, `e2e-used-${s}`).locator('td').nth(4)).toHaveText('1 expired');
    await expect(roleRow(page, `e2e-idle-${s}`).locator('td').nth(3)).toHaveText('0');

    await page.goto(`/roles?unused=1&search=${s}`);
    await expect(page.getByTestId('role-row')).toHaveCount(1);
    await expect(roleRow(page, `e2e-idle-${s}`)).toBeVisible();
    await expect(page.getByLabel('Only roles no token carries')).toBeChecked();

    // The overview's link lands on the same filter.
    await page.goto('/');
    await page.locator('main a[href="/roles?unused=1"]').click();
    await expect(page).toHaveURL(/\/roles\?unused=1$/);
    await expect(roleRow(page, `e2e-idle-${s}`)).toBeVisible();
    await expect(roleRow(page, `e2e-used-${s}`)).toHaveCount(0);

    await nomad('DELETE', `/v1/acl/token/${live.AccessorID}`);
    await nomad('DELETE', `/v1/acl/token/${expiredAccessor}`);
    await nomad('DELETE', `/v1/acl/role/${used.ID}`);
    await nomad('DELETE', `/v1/acl/role/${idle.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('without JavaScript: a refused create comes back with the draft and the error at the field, then the create succeeds', async ({ browser }) => {
    const s = suffix();
    const a = `e2e-nja-${s}`;
    const b = `e2e-njb-${s}`;
    const name = `e2e-nojs-${s}`;
    await createPolicy(a);
    await createPolicy(b);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await page.goto('/roles/new');
    await page.getByLabel('Name', { exact: true }).fill('bad name');
    await page.getByLabel('Description (optional)').fill('made without JavaScript');
    await page.locator(`li[data-policy="${a}"] input`).check();
    await page.locator(`li[data-policy="${b}"] input`).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page).toHaveURL(/\/roles\/new\?/);
    await expect(page.getByTestId('name-server-error')).toHaveText("invalid name 'bad name'");
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('bad name');
    await expect(page.getByLabel('Description (optional)')).toHaveValue('made without JavaScript');
    await expect(page.locator(`li[data-policy="${a}"] input`)).toBeChecked();
    await expect(page.locator(`li[data-policy="${b}"] input`)).toBeChecked();

    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page).toHaveURL(/\/roles\/[0-9a-f-]{36}\?saved=1$/);
    await expect(page.getByTestId('role-name')).toHaveText(name);
    const stored = await roleByName(name);
    expect(stored.Policies.map((p: any) => p.Name).sort()).toEqual([a, b].sort());
    expect(stored.Description).toBe('made without JavaScript');

    // Delete, still without JavaScript: the confirmation is a plain form.
    await page.goto(`/roles/${stored.ID}?delete=1`);
    await page.getByRole('button', { name: `Yes, delete role ${name}` }).click();
    await expect(page).toHaveURL(new RegExp(`/roles\\?deleted=${name}$`));
    expect(await roleByName(name)).toBeNull();
    await context.close();
    await nomad('DELETE', `/v1/acl/policy/${a}`);
    await nomad('DELETE', `/v1/acl/policy/${b}`);
  });

  test('user text shows as text, never as HTML', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-rh-${s}`;
    await createPolicy(policy);
    const description = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const role = await createRole(`e2e-html-${s}`, [policy], description);
    await signIn(page, demoSecret());
    for (const path of [`/roles?search=e2e-html-${s}`, `/roles/${role.ID}`, `/roles/${role.ID}/edit`]) {
      await page.goto(path);
      await hydrated(page);
      await expect(page.locator('main b, main img')).toHaveCount(0);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    }
    await page.goto(`/roles/${role.ID}`);
    await expect(page.getByTestId('role-description')).toHaveText(description);
    await expect(page.getByTestId('role-cli')).toContainText(`-description='${description}'`);
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
  });

  test('on a cluster without policies, the editor says a policy is needed and links to creating one', async ({ page }) => {
    const devNomad = await startDevNomad();
    const console_ = await startConsole(['serve', '--address', devNomad.addr]);
    try {
      const res = await fetch(`${devNomad.addr}/v1/acl/bootstrap`, { method: 'PUT' });
      // Not recorded for the log check: that reads the shared demo console's logs, not this one's.
      const token = await res.json();
      await signIn(page, token.SecretID, `${console_.url}/sign-in`);
      await page.goto(`${console_.url}/roles`);
      await expect(page.getByTestId('roles-empty')).toContainText('No roles yet');
      await page.goto(`${console_.url}/roles/new`);
      await expect(page.getByTestId('no-policies')).toContainText('No policy exists yet');
      await expect(page.getByTestId('no-policies').getByRole('link', { name: 'Create a policy' })).toHaveAttribute('href', '/policies/new');
      await expect(page.getByRole('button', { name: 'Create role' })).toBeDisabled();
    } finally {
      await console_.stop();
      await devNomad.stop();
    }
  });

  for (const path of ['/roles', '/roles/new', '/roles/ID', '/roles/ID/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const s = suffix();
      await createPolicy(`e2e-axe-${s}`);
      const role = await createRole(`e2e-axe-${s}`, [`e2e-axe-${s}`], 'axe');
      await signIn(page, demoSecret());
      await page.goto(path.replace('ID', role.ID));
      await hydrated(page);
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await nomad('DELETE', `/v1/acl/role/${role.ID}`);
      await nomad('DELETE', `/v1/acl/policy/${`e2e-axe-${s}`}`);
    });
  }
});
