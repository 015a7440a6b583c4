import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createToken, demoSecret, nomad, recordSecret, signIn, suffix } from '../support/nomad';
import { startConsole } from '../support/console';

// Other specs create tokens at the same time: every assertion is about tokens
// this spec created, found through unique names.

const rows = (page: Page) => page.getByTestId('token-row');
const row = (page: Page, accessor: string) => page.locator(`[data-testid="token-row"][data-accessor="${accessor}"]`);

async function createRole(name: string, policies: string[]): Promise<any> {
  return nomad('PUT', '/v1/acl/role', { Name: name, Policies: policies.map((p) => ({ Name: p })) });
}

async function createPolicy(name: string) {
  await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Rules: 'namespace "default" { policy = "read" }' });
}

/** Uploads a client token whose life ended a minute ago. */
async function createExpiredToken(name: string): Promise<string> {
  const now = Date.now();
  const secret = crypto.randomUUID();
  recordSecret(secret);
  const accessor = crypto.randomUUID();
  await nomad('PUT', `/v1/acl/token/${accessor}`, {
    AccessorID: accessor,
    SecretID: secret,
    Name: name,
    Type: 'client',
    Policies: ['oncall-readonly'],
    CreateTime: new Date(now - 2 * 3600_000).toISOString(),
    // A minute ago: Nomad collects expired tokens only an hour after they expire.
    ExpirationTime: new Date(now - 60_000).toISOString(),
  });
  return accessor;
}

test.describe('tokens list', () => {
  test('search finds a token by name and by accessor prefix, and never shows a secret', async ({ page }) => {
    const name = `search-${suffix()}`;
    const token = await createToken({ Name: name, Policies: ['oncall-readonly'] });
    await signIn(page, demoSecret());

    await page.goto(`/tokens?search=${name}`);
    await expect(page.getByRole('heading', { name: 'Tokens', level: 1 })).toBeVisible();
    await expect(page).toHaveTitle('Tokens · Nomad ACL Console');
    await expect(rows(page)).toHaveCount(1);
    const r = row(page, token.AccessorID);
    await expect(r).toContainText(name);
    await expect(r).toContainText('client');
    await expect(r).toContainText(token.AccessorID.slice(0, 8));
    await expect(r.getByRole('link', { name: 'oncall-readonly', exact: true })).toHaveAttribute('href', '/policies/oncall-readonly');
    await expect(r).toContainText('Never');
    await expect(page.getByTestId('token-count')).toContainText('1 of');

    await page.goto(`/tokens?search=${token.AccessorID.slice(0, 13)}`);
    await expect(rows(page)).toHaveCount(1);
    await expect(row(page, token.AccessorID)).toBeVisible();

    const html = await page.content();
    expect(html).not.toContain(token.SecretID);
    expect(html).not.toContain(demoSecret());

    await page.goto(`/tokens?search=nothing-${suffix()}`);
    await expect(page.getByTestId('empty-state')).toContainText('No tokens match these filters');
  });

  test('the server-rendered page builds its rows once and hands them to the browser once', async ({ page }) => {
    const name = `once-${suffix()}`;
    const token = await createToken({ Name: name, Policies: ['oncall-readonly'] });
    await signIn(page, demoSecret());
    const res = await page.request.get(`/tokens?search=${name}`, { headers: { accept: 'text/html' } });
    expect(res.status()).toBe(200);
    const html = await res.text();
    // The row in the table, and one copy of the page's data for hydration (the
    // page used to be built three times inside the session's Suspense).
    expect(html.split(`data-accessor="${token.AccessorID}"`).length - 1).toBe(1);
    expect(html.split('\\"rows\\":[').length - 1, 'copies of the page data in the page').toBe(1);
    // The header still shows the session once it is known.
    await page.goto(`/tokens?search=${name}`);
    await expect(page.getByTestId('cluster')).toBeVisible();
    await expect(row(page, token.AccessorID)).toBeVisible();
  });

  test('the signed-in token is marked "you"', async ({ page }) => {
    const name = `me-${suffix()}`;
    const token = await createToken({ Name: name, Policies: ['oncall-readonly'] });
    await signIn(page, demoSecret());
    const self = await nomad('GET', '/v1/acl/token/self');
    await page.goto(`/tokens?search=${self.AccessorID}`);
    await expect(row(page, self.AccessorID).locator('.badge.you')).toHaveText('you');
    await page.goto(`/tokens?search=${name}`);
    await expect(row(page, token.AccessorID).locator('.badge.you')).toHaveCount(0);
  });

  test('type and expiry filters, with expired tokens in red', async ({ page }) => {
    const name = `expired-${suffix()}`;
    const accessor = await createExpiredToken(name);
    await signIn(page, demoSecret());

    await page.goto(`/tokens?search=${name}&expiry=expired`);
    await expect(rows(page)).toHaveCount(1);
    const expires = row(page, accessor).locator('td[data-label="Expires"] time');
    await expect(expires).toHaveClass(/expired/);
    await expect(expires).toHaveText(/^expired .* ago$/);
    await expect(expires).toHaveAttribute('title', /UTC$/);

    await page.goto(`/tokens?search=${name}&expiry=never`);
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.goto(`/tokens?search=${name}&expiry=24h`);
    await expect(page.getByTestId('empty-state')).toBeVisible();

    await page.goto(`/tokens?search=${name}&type=management`);
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await page.goto(`/tokens?search=${name}&type=client`);
    await expect(rows(page)).toHaveCount(1);

    // Every management token listed is a management token.
    await page.goto('/tokens?type=management&per_page=100');
    const types = await page.locator('[data-testid="token-row"] td[data-label="Type"]').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['management']));

    // The overview's health links land on working filters.
    await page.goto('/');
    await page.getByRole('link', { name: /expired tokens?$/ }).click();
    await expect(page).toHaveURL(/\/tokens\?expiry=expired$/);
    await expect(page.getByLabel('Expiry', { exact: true })).toHaveValue('expired');
    await expect(page.getByTestId('token-count')).toBeVisible();
  });

  test('role filter shows role names (not blank) and links to the role', async ({ page }) => {
    const sfx = suffix();
    const role = await createRole(`role-${sfx}`, ['oncall-readonly']);
    const token = await createToken({ Name: `with-role-${sfx}`, Roles: [{ ID: role.ID }] });
    await createToken({ Name: `without-role-${sfx}`, Policies: ['oncall-readonly'] });
    await signIn(page, demoSecret());

    await page.goto(`/tokens?search=${sfx}`);
    await expect(rows(page)).toHaveCount(2);
    await page.getByLabel('Role', { exact: true }).selectOption(role.Name);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`role=${role.Name}`));
    await expect(rows(page)).toHaveCount(1);
    const link = row(page, token.AccessorID).getByRole('link', { name: role.Name, exact: true });
    await expect(link).toHaveAttribute('href', `/roles/${role.ID}`);
  });

  test('a role or policy filter from the URL that names nothing stays selected, spaces and all', async ({ page }) => {
    await signIn(page, demoSecret());
    await page.goto(`/tokens?role=${encodeURIComponent('no  such role')}&policy=gone-${suffix()}`);
    await expect(page.getByLabel('Role', { exact: true })).toHaveValue('no  such role');
    await expect(page.getByLabel('Policy', { exact: true })).toHaveValue(/^gone-/);
    await expect(rows(page)).toHaveCount(0);
    // Listed names are options whose text is their value.
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Any' });
    await page.getByLabel('Policy', { exact: true }).selectOption('oncall-readonly');
    await expect(page.getByLabel('Policy', { exact: true })).toHaveValue('oncall-readonly');
  });

  test('a policy that no longer exists is shown deleted, not as a link', async ({ page }) => {
    const sfx = suffix();
    const policy = `doomed-${sfx}`;
    await createPolicy(policy);
    const token = await createToken({ Name: `dangling-${sfx}`, Policies: [policy] });
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
    await signIn(page, demoSecret());

    await page.goto(`/tokens?search=${sfx}`);
    const r = row(page, token.AccessorID);
    await expect(r.locator('.tag.deleted')).toContainText(policy);
    await expect(r.locator('.tag.deleted')).toContainText('deleted');
    await expect(r.locator('.tag.deleted s')).toHaveText(policy);
    await expect(r.getByRole('link', { name: policy, exact: true })).toHaveCount(0);

    // Its only policy is gone: it grants nothing, and the health link finds it.
    await expect(r.locator('.badge.warn')).toHaveText('grants nothing');
    await page.goto('/tokens?resolves=none&per_page=100&sort=created&dir=desc');
    await expect(r).toBeVisible();
  });

  test('sorting by name both ways, with aria-sort, kept in the URL', async ({ page }) => {
    const sfx = suffix();
    for (const n of ['b', 'c', 'a']) await createToken({ Name: `sort-${sfx}-${n}`, Policies: ['oncall-readonly'] });
    await signIn(page, demoSecret());
    await page.goto(`/tokens?search=sort-${sfx}`);
    const names = () => page.locator('[data-testid="token-row"] .token-name').allTextContents();
    await expect(rows(page)).toHaveCount(3);
    // Newest first by default.
    expect(await names()).toEqual([`sort-${sfx}-a`, `sort-${sfx}-c`, `sort-${sfx}-b`]);
    await expect(page.locator('th[aria-sort="descending"]')).toContainText('Created');

    await page.getByTestId('sort-name').click();
    await expect(page).toHaveURL(/sort=name&dir=asc/);
    await expect(page.locator('th[aria-sort="ascending"]')).toContainText('Name');
    await expect.poll(names).toEqual([`sort-${sfx}-a`, `sort-${sfx}-b`, `sort-${sfx}-c`]);

    await page.getByTestId('sort-name').click();
    await expect(page).toHaveURL(/sort=name&dir=desc/);
    await expect(page.locator('th[aria-sort="descending"]')).toContainText('Name');
    await expect.poll(names).toEqual([`sort-${sfx}-c`, `sort-${sfx}-b`, `sort-${sfx}-a`]);
    // The search survived the sort.
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue(`sort-${sfx}`);
  });

  test('paging: 25 a page, next and previous', async ({ page }) => {
    const sfx = suffix();
    await Promise.all(
      Array.from({ length: 27 }, (_, i) =>
        createToken({ Name: `page-${sfx}-${String(i).padStart(2, '0')}`, Policies: ['oncall-readonly'] }),
      ),
    );
    await signIn(page, demoSecret());
    await page.goto(`/tokens?search=page-${sfx}&per_page=25&sort=name&dir=asc`);
    await expect(page.getByTestId('token-count')).toContainText('27 of');
    await expect(page.getByTestId('page-of')).toHaveText('page 1 of 2');
    await expect(rows(page)).toHaveCount(25);
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByTestId('page-of')).toHaveText('page 2 of 2');
    await expect(rows(page)).toHaveCount(2);
    await expect(page.locator('[data-testid="token-row"] .token-name').first()).toHaveText(`page-${sfx}-25`);
    await page.getByRole('link', { name: '← Previous' }).click();
    await expect(page.getByTestId('page-of')).toHaveText('page 1 of 2');

    await page.goto(`/tokens?search=page-${sfx}&per_page=50`);
    await expect(page.getByTestId('page-of')).toHaveText('page 1 of 1');
    await expect(rows(page)).toHaveCount(27);
    // A page past the end shows the last one.
    await page.goto(`/tokens?search=page-${sfx}&page=9`);
    await expect(page.getByTestId('page-of')).toHaveText('page 2 of 2');
  });

  test('the whole state is in the URL: reload keeps it, Back returns', async ({ page }) => {
    const sfx = suffix();
    const token = await createToken({ Name: `url-${sfx}`, Policies: ['oncall-readonly'] });
    await signIn(page, demoSecret());
    await page.goto('/tokens');
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    await page.getByLabel('Search', { exact: true }).fill(`url-${sfx}`);
    await page.getByLabel('Type', { exact: true }).selectOption('client');
    await page.getByLabel('Per page', { exact: true }).selectOption('50');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`search=url-${sfx}.*type=client.*per_page=50`));
    await expect(rows(page)).toHaveCount(1);

    await page.reload();
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue(`url-${sfx}`);
    await expect(page.getByLabel('Type', { exact: true })).toHaveValue('client');
    await expect(page.getByLabel('Per page', { exact: true })).toHaveValue('50');
    await expect(row(page, token.AccessorID)).toBeVisible();

    await page.goBack();
    await expect(page).toHaveURL(/\/tokens$/);
    await expect(page.getByLabel('Search', { exact: true })).toHaveValue('');
    await page.goForward();
    await expect(rows(page)).toHaveCount(1);

    await page.getByRole('link', { name: 'Clear' }).click();
    await expect(page).toHaveURL(/\/tokens$/);
  });

  test('works with JavaScript disabled', async ({ browser }) => {
    const sfx = suffix();
    const token = await createToken({ Name: `nojs-${sfx}`, Policies: ['oncall-readonly'] });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    const res = await page.goto('/tokens');
    expect(res?.status()).toBe(200);
    await expect(page.getByTestId('tokens-table')).toBeVisible();
    await page.getByLabel('Search', { exact: true }).fill(`nojs-${sfx}`);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`search=nojs-${sfx}`));
    await expect(rows(page)).toHaveCount(1);
    await expect(row(page, token.AccessorID)).toBeVisible();
    await page.getByTestId('sort-name').click();
    await expect(page).toHaveURL(/sort=name&dir=asc/);
    await expect(row(page, token.AccessorID)).toBeVisible();
    await context.close();
  });

  test('a token that cannot list tokens is told it needs a management token', async ({ page }) => {
    const token = await createToken({ Name: `weak-${suffix()}`, Policies: ['oncall-readonly'] });
    await signIn(page, token.SecretID);
    await page.goto('/tokens');
    await expect(page.locator('.error-panel')).toContainText('Permission denied');
    await expect(page.getByTestId('needs-management')).toContainText('management token');
  });

  test('no serious accessibility violations', async ({ page }) => {
    await signIn(page, demoSecret());
    await page.goto('/tokens?per_page=25');
    await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
    await expect(rows(page).first()).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});

test.describe('tokens list at 300 tokens', () => {
  test('search, filters, sort and paging over 300 generated tokens, with the URL round trip', async ({ page }) => {
    // Its own console: `--extra-tokens 300` adds `<team>-svc-000000` … `-000299`
    // (every 50th a management token, every 10th expired, teams in a cycle of 8).
    const c = await startConsole(['demo', '--extra-tokens', '300']);
    try {
      const at = (path: string) => `${c.url}${path}`;
      await signIn(page, c.secret!, at('/sign-in'));
      await page.goto(at('/tokens?search=-svc-&per_page=100'));
      await expect(page.getByTestId('token-count')).toContainText('300 of');
      await expect(page.getByTestId('page-of')).toHaveText('page 1 of 3');
      await expect(rows(page)).toHaveCount(100);
      await page.getByRole('link', { name: 'Next →' }).click();
      await page.getByRole('link', { name: 'Next →' }).click();
      await expect(page).toHaveURL(/page=3/);
      await expect(page.getByTestId('page-of')).toHaveText('page 3 of 3');
      await expect(rows(page)).toHaveCount(100);
      await page.reload();
      await expect(page.getByTestId('page-of')).toHaveText('page 3 of 3');
      await page.goBack();
      await expect(page.getByTestId('page-of')).toHaveText('page 2 of 3');

      await page.goto(at('/tokens?search=-svc-&type=management'));
      await expect(page.getByTestId('token-count')).toContainText('6 of');
      await page.goto(at('/tokens?search=-svc-&expiry=expired&per_page=50'));
      await expect(page.getByTestId('token-count')).toContainText('30 of');
      await expect(rows(page)).toHaveCount(30);

      await page.goto(at('/tokens?search=payments-svc&sort=name&dir=desc'));
      await expect(page.getByTestId('token-count')).toContainText('38 of');
      await expect(page.locator('[data-testid="token-row"] .token-name').first()).toHaveText('payments-svc-000296');
      await page.getByTestId('sort-name').click();
      await expect(page).toHaveURL(/sort=name&dir=asc/);
      await expect(page.locator('[data-testid="token-row"] .token-name').first()).toHaveText('payments-svc-000000');
    } finally {
      await c.stop();
    }
  });
});
