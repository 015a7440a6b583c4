import { test, expect, Page, Browser } from '@playwright/test';
import { createToken, demoSecret, nomad, recordSecret, signIn, suffix } from '../support/nomad';
import { startConsole } from '../support/console';

const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);

async function tokenExists(accessor: string): Promise<boolean> {
  try {
    await nomad('GET', `/v1/acl/token/${accessor}`);
    return true;
  } catch (e) {
    if (String(e).includes(' 404 ')) return false;
    throw e;
  }
}

/** A policy and a role that uses it, made through Nomad's API. */
async function policyAndRole(): Promise<{ policy: string; role: any }> {
  const policy = `e2e-tok-pol-${suffix()}`;
  await nomad('PUT', `/v1/acl/policy/${policy}`, { Name: policy, Rules: 'namespace "default" { policy = "read" }' });
  const role = await nomad('PUT', '/v1/acl/role', { Name: `e2e-tok-role-${suffix()}`, Policies: [{ Name: policy }] });
  return { policy, role };
}

/** Fills the create form's name and ticks one policy, the minimum for a client token. */
async function startCreate(page: Page, name: string, policy: string) {
  await page.goto('/tokens/new');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByTestId('picker-policies').getByLabel(policy, { exact: true }).check();
}

/** Creates through the form and returns the new token as Nomad stores it. */
async function submitAndRead(page: Page): Promise<any> {
  await page.getByTestId('create-token').click();
  return submitAndReadCreated(page);
}

/** The token whose page shows its new secret, read back from Nomad. */
async function submitAndReadCreated(page: Page): Promise<any> {
  await expect(page).toHaveURL(/\/tokens\/[0-9a-f-]{36}\?created=1$/);
  const secret = (await page.getByTestId('secret-value').textContent())!.trim();
  recordSecret(secret);
  const accessor = page.url().match(/tokens\/([0-9a-f-]{36})/)![1];
  const token = await nomad('GET', `/v1/acl/token/${accessor}`);
  expect(token.SecretID).toBe(secret);
  return token;
}

const seconds = (a: string, b: string) => (Date.parse(a) - Date.parse(b)) / 1000;

test.describe('create a token', () => {
  for (const [choice, label, secs] of [
    ['10m', '10 minutes', 600],
    ['1h', '1 hour', 3600],
    ['8h', '8 hours', 8 * 3600],
    ['24h', '24 hours', 86_400],
  ] as const) {
    test(`expiration "${label}" sets a ${choice} TTL`, async ({ page }) => {
      const { policy } = await policyAndRole();
      await signIn(page, demoSecret());
      await startCreate(page, `e2e-ttl-${choice}-${suffix()}`, policy);
      await page.getByLabel(label, { exact: true }).check();
      const token = await submitAndRead(page);
      expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(secs);
      await expect(page.getByTestId('expires')).toContainText(/in \d+ (minutes|hour|hours)/);
    });
  }

  test('"Never" creates a token without expiry, shown as Never in the list', async ({ page }) => {
    const { policy } = await policyAndRole();
    const name = `e2e-never-${suffix()}`;
    await signIn(page, demoSecret());
    await startCreate(page, name, policy);
    const token = await submitAndRead(page);
    expect(token.ExpirationTime).toBeNull();
    await page.goto(`/tokens?search=${name}`);
    await expect(page.getByTestId('token-row')).toHaveCount(1);
    await expect(page.getByTestId('token-row').locator('td[data-label="Expires"]')).toHaveText('Never');
  });

  test('a custom duration is parsed as Nomad parses it', async ({ page }) => {
    const { policy } = await policyAndRole();
    await signIn(page, demoSecret());
    await startCreate(page, `e2e-custom-${suffix()}`, policy);
    await page.getByLabel('Custom duration').check();
    await page.getByLabel('Duration', { exact: true }).fill('1h30m');
    const token = await submitAndRead(page);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(5400);
    expect(token.ExpirationTTL).toBe('1h30m0s');
  });

  test.describe('in another time zone', () => {
    test.use({ timezoneId: 'Asia/Tokyo' });
    test('a custom date and time is read in the browser\'s zone, which is shown', async ({ page }) => {
      const { policy } = await policyAndRole();
      await signIn(page, demoSecret());
      await startCreate(page, `e2e-at-${suffix()}`, policy);
      await page.getByLabel('Custom date and time').check();
      await expect(page.getByTestId('time-zone')).toContainText('Asia/Tokyo (UTC+09:00)');
      // Three hours from now, as a Tokyo wall clock (UTC+9, no daylight saving).
      const target = new Date(Math.ceil((Date.now() + 3 * 3600_000) / 60_000) * 60_000);
      const tokyo = new Date(target.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
      await page.getByLabel('Expires at').fill(tokyo);
      const token = await submitAndRead(page);
      expect(Date.parse(token.ExpirationTime)).toBe(target.getTime());
    });
  });

  test('each field is checked before posting, with Nomad\'s rules', async ({ page }) => {
    await signIn(page, demoSecret());
    await page.goto('/tokens/new');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill('x'.repeat(257));
    await expect(page.getByTestId('name-error')).toContainText('token name too long: at most 256 bytes');
    await page.getByLabel('Name', { exact: true }).fill('ok');
    await expect(page.getByTestId('name-error')).toBeEmpty();
    await page.getByLabel('Custom duration').check();
    await page.getByLabel('Duration', { exact: true }).fill('90 minutes');
    await page.getByTestId('create-token').click();
    // Nothing was posted: the messages are next to their fields.
    await expect(page).toHaveURL(/\/tokens\/new$/);
    await expect(page.getByTestId('grants-error')).toContainText('client token missing policies or roles');
    await expect(page.getByTestId('create-expiry-error')).toContainText('not a duration Nomad understands');
    await page.getByLabel('Duration', { exact: true }).fill('25h');
    await expect(page.getByTestId('create-expiry-error')).toContainText('25h0m0s is too long');
    await page.getByLabel('Duration', { exact: true }).fill('30s');
    await expect(page.getByTestId('create-expiry-error')).toContainText('under 1m0s');
    // Management hides the pickers, says why, and needs no policy.
    await page.getByLabel('Management: every permission').check();
    await expect(page.getByTestId('management-note')).toBeVisible();
    await expect(page.getByTestId('picker-policies')).toBeHidden();
    await expect(page.getByTestId('grants-error')).toBeEmpty();
  });

  test('a refusal by Nomad is shown next to the field it is about', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    await signIn(page, demoSecret());
    await startCreate(page, `e2e-refused-${suffix()}`, policy);
    await page.getByTestId('picker-roles').getByLabel(role.Name, { exact: true }).check();
    // The role disappears behind the form's back: only Nomad can notice.
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await page.getByTestId('create-token').click();
    await expect(page.getByTestId('grants-error')).toContainText(`cannot find role ${role.ID}`);
    await expect(page).toHaveURL(/\/tokens\/new$/);
  });

  test('the secret is shown once, with the CLI command; a reload does not show it again', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const name = `e2e-once-${suffix()}`;
    await signIn(page, demoSecret());
    await startCreate(page, name, policy);
    await page.getByTestId('picker-roles').getByLabel(role.Name, { exact: true }).check();
    const token = await submitAndRead(page);
    await expect(page.getByTestId('new-secret')).toContainText('will not show it again');
    await expect(page.getByTestId('cli')).toHaveText(
      `nomad acl token create -name=${name} -type=client -policy=${policy} -role-name=${role.Name}`,
    );
    expect(token.Roles.map((r: any) => r.ID)).toEqual([role.ID]);
    await page.reload();
    await expect(page.getByTestId('token-facts')).toBeVisible();
    await expect(page.getByTestId('new-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(token.SecretID);
  });
});

test.describe('test tokens', () => {
  test("a policy's page creates a 10-minute token with only that policy, secret shown once", async ({ page }) => {
    const { policy } = await policyAndRole();
    await signIn(page, demoSecret());
    await page.goto(`/policies/${policy}`);
    await hydrated(page);
    await page.getByTestId('create-test-token').click();
    const token = await submitAndReadCreated(page);
    expect(token.Policies).toEqual([policy]);
    expect(token.Name).toBe(`test token for policy ${policy}`);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(600);
    await expect(page.getByTestId('cli')).toHaveText(
      `nomad acl token create -name='test token for policy ${policy}' -type=client -policy=${policy} -ttl=10m0s`,
    );
  });
});

test.describe('test tokens, roles', () => {
  test("a role's page creates a test token that signs in and sees what the role allows", async ({ page, browser }) => {
    const { policy, role } = await policyAndRole();
    await signIn(page, demoSecret());
    await page.goto(`/roles/${role.ID}`);
    await hydrated(page);
    await page.getByTestId('create-test-token').click();
    const token = await submitAndReadCreated(page);
    expect(token.Roles.map((r: any) => r.ID)).toEqual([role.ID]);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(600);
    // Signed in as the test token: the role's read rights on "default", and no write.
    const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
    const as = await context.newPage();
    await signIn(as, token.SecretID);
    await as.goto('/profile?right=read-job&namespace=default');
    await expect(as.getByTestId('answer-verdict')).toHaveText('Yes');
    await expect(as.getByTestId('answer-sources')).toContainText(`${policy} via role ${role.Name}`);
    await as.goto('/profile?right=submit-job&namespace=default');
    await expect(as.getByTestId('answer-verdict')).toHaveText('No');
    await context.close();
  });
});

test.describe('one token', () => {
  test('the secret is not in the page until revealed; reveal and copy', async ({ page, context }) => {
    const { policy } = await policyAndRole();
    const token = await createToken({ Name: `e2e-reveal-${suffix()}`, Policies: [policy] });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, demoSecret());
    const res = await page.request.get(`/tokens/${token.AccessorID}`);
    // Per-user pages are never cached (one may hold a secret just shown).
    expect(res.headers()['cache-control']).toBe('no-store');
    const html = await res.text();
    expect(html).toContain(token.AccessorID);
    expect(html).not.toContain(token.SecretID);
    await page.goto(`/tokens/${token.AccessorID}`);
    await hydrated(page);
    await page.getByTestId('reveal').click();
    await expect(page.getByTestId('revealed-secret')).toHaveText(token.SecretID);
    await page.getByRole('button', { name: 'Copy the secret' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token.SecretID);
  });

  test('edit the name, type and grants', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const token = await createToken({ Name: `e2e-edit-${suffix()}`, Policies: [policy], ExpirationTTL: '1h' });
    const renamed = `e2e-edited-${suffix()}`;
    await signIn(page, demoSecret());
    await page.goto(`/tokens/${token.AccessorID}`);
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(renamed);
    await page.getByTestId('picker-roles').getByLabel(role.Name, { exact: true }).check();
    await page.getByTestId('picker-policies').getByLabel(policy, { exact: true }).uncheck();
    await page.getByTestId('save-token').click();
    await expect(page).toHaveURL(/\?saved=\d+$/);
    await expect(page.getByTestId('token-title')).toContainText(renamed);
    const stored = await nomad('GET', `/v1/acl/token/${token.AccessorID}`);
    expect(stored.Name).toBe(renamed);
    expect(stored.Policies ?? []).toEqual([]);
    expect(stored.Roles.map((r: any) => r.Name)).toEqual([role.Name]);
    // The lifetime went back unchanged (Nomad compares it to the nanosecond).
    expect(stored.ExpirationTime).toBe(token.ExpirationTime);
    // Emptying every grant is stopped before posting.
    await page.getByTestId('picker-roles').getByLabel(role.Name, { exact: true }).uncheck();
    await page.getByTestId('save-token').click();
    await expect(page.getByTestId('grants-error')).toContainText('client token missing policies or roles');
  });

  test('renew: a new token with the same grants and a new lifetime; the old one is deleted', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const old = await createToken({ Name: `e2e-renew-${suffix()}`, Policies: [policy], Roles: [{ ID: role.ID }], ExpirationTTL: '1h' });
    await signIn(page, demoSecret());
    await page.goto(`/tokens/${old.AccessorID}`);
    await hydrated(page);
    await page.getByTestId('renew-form').getByLabel('24 hours', { exact: true }).check();
    await expect(page.getByTestId('delete-old')).toBeChecked();
    await page.getByTestId('renew').click();
    await expect(page).toHaveURL(/\/tokens\/[0-9a-f-]{36}\?renewed=1$/);
    await expect(page.getByTestId('new-secret')).toContainText('new secret');
    await expect(page.getByTestId('renew-note')).toContainText(`${old.AccessorID} was deleted`);
    const secret = (await page.getByTestId('secret-value').textContent())!.trim();
    recordSecret(secret);
    const accessor = page.url().match(/tokens\/([0-9a-f-]{36})/)![1];
    expect(accessor).not.toBe(old.AccessorID);
    const renewed = await nomad('GET', `/v1/acl/token/${accessor}`);
    expect(renewed.SecretID).toBe(secret);
    expect(renewed.Name).toBe(old.Name);
    expect(renewed.Policies).toEqual([policy]);
    expect(renewed.Roles.map((r: any) => r.ID)).toEqual([role.ID]);
    expect(seconds(renewed.ExpirationTime, renewed.CreateTime)).toBe(86_400);
    expect(await tokenExists(old.AccessorID)).toBe(false);
  });

  test('delete asks for confirmation naming the token', async ({ page }) => {
    const { policy } = await policyAndRole();
    const token = await createToken({ Name: `e2e-del-${suffix()}`, Policies: [policy] });
    await signIn(page, demoSecret());
    await page.goto(`/tokens/${token.AccessorID}`);
    await page.getByTestId('delete-token').click();
    await expect(page).toHaveURL(/\/tokens\/delete\?a=/);
    await expect(page.getByTestId('doomed')).toContainText(token.Name);
    expect(await tokenExists(token.AccessorID)).toBe(true);
    await hydrated(page);
    await page.getByTestId('confirm-delete').click();
    await expect(page.getByTestId('delete-report')).toContainText('Deleted 1 of 1.');
    expect(await tokenExists(token.AccessorID)).toBe(false);
  });

  test('your own token cannot be deleted: the button is disabled with the reason', async ({ page }) => {
    await signIn(page, demoSecret());
    const self = await nomad('GET', '/v1/acl/token/self');
    await page.goto(`/tokens/${self.AccessorID}`);
    await expect(page.getByRole('button', { name: 'Delete token…' })).toBeDisabled();
    await expect(page.getByTestId('self-delete-why')).toContainText('the token you are signed in with');
    // Asking for it by URL does not put it in the plan either.
    await page.goto(`/tokens/delete?a=${self.AccessorID}`);
    await expect(page.getByTestId('nothing-to-delete')).toBeVisible();
  });
});

test.describe('bulk delete', () => {
  test('select several, confirm with their names, see progress, and get each failure named', async ({ page }) => {
    const { policy } = await policyAndRole();
    const tag = `e2e-bulk-${suffix()}`;
    const tokens = [];
    for (let i = 0; i < 6; i++) tokens.push(await createToken({ Name: `${tag}-${i}`, Policies: [policy] }));
    await signIn(page, demoSecret());
    await page.goto(`/tokens?search=${tag}&sort=name`);
    await hydrated(page);
    await page.getByTestId('select-all').check();
    await expect(page.getByTestId('selected-count')).toHaveText('6 selected');
    await page.getByTestId('delete-selected').click();
    await expect(page).toHaveURL(/\/tokens\/delete\?/);
    for (const t of tokens) await expect(page.getByTestId('doomed')).toContainText(t.Name);
    await hydrated(page);
    // One goes away before the confirmation: it must be reported, not hidden.
    await nomad('DELETE', `/v1/acl/token/${tokens[5].AccessorID}`);
    await page.getByTestId('confirm-delete').click();
    await expect(page.getByTestId('delete-progress')).toContainText('6 of 6 processed');
    await expect(page.getByTestId('delete-report')).toContainText('Deleted 5 of 6.');
    await expect(page.getByTestId('delete-failures')).toContainText(`${tag}-5`);
    await expect(page.getByTestId('delete-failures')).toContainText('Cannot delete nonexistent tokens');
    for (const t of tokens) expect(await tokenExists(t.AccessorID)).toBe(false);
  });

  test('delete all expired tokens (own console, 1s minimum TTL)', async ({ page }) => {
    const c = await startConsole(['demo', '--token-min-ttl', '1s']);
    try {
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${c.nomadAddr}${path}`, {
          method,
          headers: { 'X-Nomad-Token': c.secret!, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
        return text ? JSON.parse(text) : null;
      };
      const keep = await api('PUT', '/v1/acl/token', { Name: 'keeps-living', Type: 'management', ExpirationTTL: '1h' });
      for (let i = 0; i < 3; i++) await api('PUT', '/v1/acl/token', { Name: `short-${i}`, Type: 'management', ExpirationTTL: '1s' });
      await new Promise((r) => setTimeout(r, 1500));
      const now = Date.now();
      const expired = (await api('GET', '/v1/acl/tokens')).filter((t: any) => t.ExpirationTime && Date.parse(t.ExpirationTime) <= now);
      expect(expired.length).toBeGreaterThanOrEqual(3);
      await signIn(page, c.secret!, `${c.url}/sign-in`);
      await page.goto(`${c.url}/tokens`);
      await page.getByTestId('delete-expired').click();
      await expect(page.getByTestId('doomed').locator('li')).toHaveCount(expired.length);
      await expect(page.getByTestId('doomed')).toContainText('short-0');
      await expect(page.getByTestId('doomed')).not.toContainText('keeps-living');
      await hydrated(page);
      await page.getByTestId('confirm-delete').click();
      await expect(page.getByTestId('delete-report')).toContainText(`Deleted ${expired.length} of ${expired.length}.`);
      const left = (await api('GET', '/v1/acl/tokens')).filter((t: any) => expired.some((e: any) => e.AccessorID === t.AccessorID));
      expect(left).toEqual([]);
      expect((await api('GET', `/v1/acl/token/${keep.AccessorID}`)).Name).toBe('keeps-living');
    } finally {
      await c.stop();
    }
  });
});

test.describe('without JavaScript', () => {
  const noJs = (browser: Browser) => browser.newContext({ javaScriptEnabled: false, baseURL: process.env.E2E_BASE_URL });

  test('create a token; a refusal comes back next to its field with the draft kept', async ({ browser }) => {
    const { policy } = await policyAndRole();
    const context = await noJs(browser);
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await page.goto('/tokens/new');
    const name = `e2e-nojs-${suffix()}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page).toHaveURL(/\/tokens\/new\?/);
    await expect(page.getByTestId('grants-error')).toContainText('client token missing policies or roles');
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
    await page.getByTestId('picker-policies').getByLabel(policy, { exact: true }).check();
    await page.getByLabel('1 hour', { exact: true }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await submitAndReadCreated(page);
    expect(token.Name).toBe(name);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(3600);
    await context.close();
  });

  test('reveal, and delete through the confirmation page', async ({ browser }) => {
    const { policy } = await policyAndRole();
    const token = await createToken({ Name: `e2e-nojs-del-${suffix()}`, Policies: [policy] });
    const context = await noJs(browser);
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await page.goto(`/tokens/${token.AccessorID}`);
    await page.getByTestId('reveal').click();
    await expect(page).toHaveURL(/\?revealed=1$/);
    await expect(page.getByTestId('secret-value')).toHaveText(token.SecretID);
    await page.getByTestId('delete-token').click();
    await expect(page.getByTestId('doomed')).toContainText(token.Name);
    await page.getByTestId('confirm-delete').click();
    await expect(page).toHaveURL(/\/tokens\?deleted=1$/);
    await expect(page.getByTestId('deleted-notice')).toHaveText('Deleted 1 token.');
    expect(await tokenExists(token.AccessorID)).toBe(false);
    await context.close();
  });
});
