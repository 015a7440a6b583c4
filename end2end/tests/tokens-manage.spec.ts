import { test, expect, Page, Browser } from '@playwright/test';
import { createPolicy, createToken, demoSecret, getOrNull, nomad, recordSecret, suffix } from '../support/nomad';
import { startConsole } from '../support/console';
import { Header } from '../pages/header';
import { hydrated } from '../pages/hydrated';
import { DeleteTokensPage } from '../pages/deleteTokensPage';
import { NewTokenPage } from '../pages/newTokenPage';
import { PolicyPage } from '../pages/policyPage';
import { ProfilePage } from '../pages/profilePage';
import { RolePage } from '../pages/rolePage';
import { signIn } from '../pages/signInPage';
import { TokenPage } from '../pages/tokenPage';
import { TokensListPage } from '../pages/tokensListPage';

const tokenExists = async (accessor: string) => (await getOrNull(`/v1/acl/token/${accessor}`)) !== null;

/** A policy and a role that uses it, made through Nomad's API. */
async function policyAndRole(): Promise<{ policy: string; role: any }> {
  const policy = `e2e-tok-pol-${suffix()}`;
  await createPolicy(policy, 'namespace "default" { policy = "read" }');
  const role = await nomad('PUT', '/v1/acl/role', { Name: `e2e-tok-role-${suffix()}`, Policies: [{ Name: policy }] });
  return { policy, role };
}

/** Opens the create form, fills the name and ticks one policy, the minimum for a client token. */
async function startCreate(page: Page, name: string, policy: string): Promise<NewTokenPage> {
  const form = new NewTokenPage(page);
  await form.goto();
  await hydrated(page);
  await form.fillMinimum(name, policy);
  return form;
}

/** Creates through the form and returns the new token as Nomad stores it. */
async function submitAndRead(page: Page): Promise<any> {
  await new NewTokenPage(page).create();
  return submitAndReadCreated(page);
}

/** A test token made from the page the user stays on: its secret from the toast, read back from Nomad. */
async function readTestTokenFromToast(page: Page): Promise<any> {
  const header = new Header(page);
  await expect(header.toastSecret).toBeVisible();
  const secret = (await header.toastSecret.textContent())!.trim();
  recordSecret(secret);
  const accessor = (await header.toastTokenLink.getAttribute('href'))!.match(/tokens\/([0-9a-f-]{36})/)![1];
  const token = await nomad('GET', `/v1/acl/token/${accessor}`);
  expect(token.SecretID).toBe(secret);
  return token;
}

/** The token whose page shows its new secret, read back from Nomad. */
async function submitAndReadCreated(page: Page): Promise<any> {
  const shown = new TokenPage(page);
  await expect(page).toHaveURL(/\/tokens\/[0-9a-f-]{36}\?created=1$/);
  const secret = await shown.shownSecret();
  recordSecret(secret);
  const token = await nomad('GET', `/v1/acl/token/${shown.accessorFromUrl()}`);
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
      const form = await startCreate(page, `e2e-ttl-${choice}-${suffix()}`, policy);
      await form.expiry(label).check();
      const token = await submitAndRead(page);
      expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(secs);
      await expect(new TokenPage(page).expires).toContainText(/in \d+ (minutes|hour|hours)/);
    });
  }

  test('"Never" creates a token without expiry, shown as Never in the list', async ({ page }) => {
    const { policy } = await policyAndRole();
    const name = `e2e-never-${suffix()}`;
    await signIn(page, demoSecret());
    await startCreate(page, name, policy);
    const token = await submitAndRead(page);
    expect(token.ExpirationTime).toBeNull();
    const list = new TokensListPage(page);
    await list.goto(`?search=${name}`);
    await expect(list.rows).toHaveCount(1);
    await expect(list.cells('Expires')).toHaveText('Never');
  });

  test('a custom duration is parsed as Nomad parses it', async ({ page }) => {
    const { policy } = await policyAndRole();
    await signIn(page, demoSecret());
    const form = await startCreate(page, `e2e-custom-${suffix()}`, policy);
    await form.customDuration.check();
    await form.duration.fill('1h30m');
    const token = await submitAndRead(page);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(5400);
    expect(token.ExpirationTTL).toBe('1h30m0s');
  });

  test.describe('in another time zone', () => {
    test.use({ timezoneId: 'Asia/Tokyo' });
    test('a custom date and time is read in the browser\'s zone, which is shown', async ({ page }) => {
      const { policy } = await policyAndRole();
      await signIn(page, demoSecret());
      const form = await startCreate(page, `e2e-at-${suffix()}`, policy);
      await form.customDateTime.check();
      await expect(form.timeZone).toContainText('Asia/Tokyo (UTC+09:00)');
      // Three hours from now, as a Tokyo wall clock (UTC+9, no daylight saving).
      const target = new Date(Math.ceil((Date.now() + 3 * 3600_000) / 60_000) * 60_000);
      const tokyo = new Date(target.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
      await form.expiresAt.fill(tokyo);
      const token = await submitAndRead(page);
      expect(Date.parse(token.ExpirationTime)).toBe(target.getTime());
    });
  });

  test('each field is checked before posting, with Nomad\'s rules', async ({ page }) => {
    const form = new NewTokenPage(page);
    await signIn(page, demoSecret());
    await form.goto();
    await hydrated(page);
    await form.name.fill('x'.repeat(257));
    await expect(form.nameError).toContainText('token name too long: at most 256 bytes');
    await form.name.fill('ok');
    await expect(form.nameError).toBeEmpty();
    await form.customDuration.check();
    await form.duration.fill('90 minutes');
    await form.create();
    // Nothing was posted: the messages are next to their fields.
    await expect(page).toHaveURL(/\/tokens\/new$/);
    await expect(form.grants.error).toContainText('client token missing policies or roles');
    await expect(form.expiryError).toContainText('not a duration Nomad understands');
    await form.duration.fill('25h');
    await expect(form.expiryError).toContainText('25h0m0s is too long');
    await form.duration.fill('30s');
    await expect(form.expiryError).toContainText('under 1m0s');
    // Management hides the pickers, says why, and needs no policy.
    await form.management.check();
    await expect(form.managementNote).toBeVisible();
    await expect(form.grants.policies).toBeHidden();
    await expect(form.grants.error).toBeEmpty();
  });

  test('the pickers search by name or description, name what is ticked, and say when nothing matches', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const form = new NewTokenPage(page);
    await signIn(page, demoSecret());
    await form.goto();
    await hydrated(page);
    await expect(form.grants.summary('roles')).toHaveText('None selected.');
    // A role is found by one of its policies (its description line) and summed up by its name, not its ID.
    await form.grants.search('roles').fill(policy);
    await expect(form.grants.role(role.Name)).toBeVisible();
    await form.grants.role(role.Name).check();
    await expect(form.grants.summary('roles')).toHaveText(`1 selected: ${role.Name}`);
    await form.grants.search('policies').fill(`nothing-${suffix()}`);
    await expect(form.grants.noMatch('policies')).toBeVisible();
    await expect(form.grants.policy(policy)).toBeHidden();
    await form.grants.search('policies').fill(policy.toUpperCase());
    await expect(form.grants.noMatch('policies')).toBeHidden();
    await form.grants.policy(policy).check();
    await expect(form.grants.summary('policies')).toHaveText(`1 selected: ${policy}`);
    await form.name.fill(`e2e-picked-${suffix()}`);
    const token = await submitAndRead(page);
    expect(token.Policies).toEqual([policy]);
    expect(token.Roles.map((r: any) => r.ID)).toEqual([role.ID]);
  });

  test('a refusal by Nomad is shown next to the field it is about', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    await signIn(page, demoSecret());
    const form = await startCreate(page, `e2e-refused-${suffix()}`, policy);
    await form.grants.role(role.Name).check();
    // The role disappears behind the form's back: only Nomad can notice.
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await form.create();
    await expect(form.grants.error).toContainText(`cannot find role ${role.ID}`);
    await expect(page).toHaveURL(/\/tokens\/new$/);
  });

  test('the secret is shown once, with the CLI command; a reload does not show it again', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const name = `e2e-once-${suffix()}`;
    await signIn(page, demoSecret());
    const form = await startCreate(page, name, policy);
    await form.grants.role(role.Name).check();
    const token = await submitAndRead(page);
    const shown = new TokenPage(page);
    await expect(shown.newSecret).toContainText('will not show it again');
    await expect(shown.cli).toHaveText(
      `nomad acl token create -name=${name} -type=client -policy=${policy} -role-name=${role.Name}`,
    );
    expect(token.Roles.map((r: any) => r.ID)).toEqual([role.ID]);
    await page.reload();
    await expect(shown.facts).toBeVisible();
    await expect(shown.newSecret).toHaveCount(0);
    expect(await page.content()).not.toContain(token.SecretID);
  });
});

test.describe('test tokens', () => {
  test("a policy's page creates a 10-minute token with only that policy, stays, and shows the secret once", async ({ page }) => {
    const { policy } = await policyAndRole();
    const policyPage = new PolicyPage(page);
    await signIn(page, demoSecret());
    await policyPage.goto(policy);
    await hydrated(page);
    const url = page.url();
    await policyPage.createTestToken();
    const token = await readTestTokenFromToast(page);
    expect(page.url()).toBe(url);
    expect(token.Policies).toEqual([policy]);
    expect(token.Name).toBe(`test token for policy ${policy}`);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(600);
    // The page's list gains the row (live updates), and the toast outlives that re-render.
    await expect(policyPage.tokens).toContainText(`test token for policy ${policy}`);
    await expect(new Header(page).toastSecret).toHaveText(token.SecretID);
    // Its own page does not show the secret again.
    await new Header(page).toastTokenLink.click();
    const tokenPage = new TokenPage(page);
    await expect(tokenPage.cli).toHaveText(
      `nomad acl token create -name='test token for policy ${policy}' -type=client -policy=${policy} -ttl=10m0s`,
    );
    await expect(tokenPage.newSecret).toHaveCount(0);
  });

  test('without JavaScript the test token\'s page shows its secret once', async ({ browser }) => {
    const { policy } = await policyAndRole();
    const context = await browser.newContext({ javaScriptEnabled: false, baseURL: process.env.E2E_BASE_URL });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await new PolicyPage(page).goto(policy);
    await new PolicyPage(page).createTestToken();
    const token = await submitAndReadCreated(page);
    expect(token.Policies).toEqual([policy]);
    await context.close();
  });
});

test.describe('test tokens, roles', () => {
  test("a role's page creates a test token that signs in and sees what the role allows", async ({ page, browser }) => {
    const { policy, role } = await policyAndRole();
    const rolePage = new RolePage(page);
    await signIn(page, demoSecret());
    await rolePage.goto(role.ID);
    await hydrated(page);
    await rolePage.createTestToken();
    const token = await readTestTokenFromToast(page);
    expect(token.Roles.map((r: any) => r.ID)).toEqual([role.ID]);
    await expect(rolePage.tokens).toContainText(`test token for role ${role.Name}`);
    expect(seconds(token.ExpirationTime, token.CreateTime)).toBe(600);
    // Signed in as the test token: the role's read rights on "default", and no write.
    const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
    const as = await context.newPage();
    const profile = new ProfilePage(as);
    await signIn(as, token.SecretID);
    await profile.goto('?right=read-job&namespace=default');
    await expect(profile.canIt.verdict).toHaveText('Yes');
    await expect(profile.canIt.sources).toContainText(`${policy} via role ${role.Name}`);
    await profile.goto('?right=submit-job&namespace=default');
    await expect(profile.canIt.verdict).toHaveText('No');
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
    const tokenPage = new TokenPage(page);
    await tokenPage.goto(token.AccessorID);
    await hydrated(page);
    await tokenPage.reveal();
    await expect(tokenPage.revealedSecret).toHaveText(token.SecretID);
    await tokenPage.copySecret();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token.SecretID);
  });

  test('edit the name, type and grants', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const token = await createToken({ Name: `e2e-edit-${suffix()}`, Policies: [policy], ExpirationTTL: '1h' });
    const renamed = `e2e-edited-${suffix()}`;
    const tokenPage = new TokenPage(page);
    await signIn(page, demoSecret());
    await tokenPage.goto(token.AccessorID);
    await hydrated(page);
    await tokenPage.name.fill(renamed);
    await tokenPage.grants.role(role.Name).check();
    await tokenPage.grants.policy(policy).uncheck();
    await tokenPage.save();
    await expect(page).toHaveURL(/\?saved=\d+$/);
    await expect(tokenPage.title).toContainText(renamed);
    const stored = await nomad('GET', `/v1/acl/token/${token.AccessorID}`);
    expect(stored.Name).toBe(renamed);
    expect(stored.Policies ?? []).toEqual([]);
    expect(stored.Roles.map((r: any) => r.Name)).toEqual([role.Name]);
    // The lifetime went back unchanged (Nomad compares it to the nanosecond).
    expect(stored.ExpirationTime).toBe(token.ExpirationTime);
    // Emptying every grant is stopped before posting.
    await tokenPage.grants.role(role.Name).uncheck();
    await tokenPage.save();
    await expect(tokenPage.grants.error).toContainText('client token missing policies or roles');
  });

  test('renew: a new token with the same grants and a new lifetime; the old one is deleted', async ({ page }) => {
    const { policy, role } = await policyAndRole();
    const old = await createToken({ Name: `e2e-renew-${suffix()}`, Policies: [policy], Roles: [{ ID: role.ID }], ExpirationTTL: '1h' });
    const tokenPage = new TokenPage(page);
    await signIn(page, demoSecret());
    await tokenPage.goto(old.AccessorID);
    await hydrated(page);
    await tokenPage.renewLifetime('24 hours').check();
    await expect(tokenPage.deleteOld).toBeChecked();
    await tokenPage.renew();
    await expect(page).toHaveURL(/\/tokens\/[0-9a-f-]{36}\?renewed=1$/);
    await expect(tokenPage.newSecret).toContainText('new secret');
    await expect(tokenPage.renewNote).toContainText(`${old.AccessorID} was deleted`);
    const secret = await tokenPage.shownSecret();
    recordSecret(secret);
    const accessor = tokenPage.accessorFromUrl();
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
    const tokenPage = new TokenPage(page);
    const confirmation = new DeleteTokensPage(page);
    await signIn(page, demoSecret());
    await tokenPage.goto(token.AccessorID);
    await tokenPage.delete();
    await expect(page).toHaveURL(/\/tokens\/delete\?a=/);
    await expect(confirmation.doomed).toContainText(token.Name);
    expect(await tokenExists(token.AccessorID)).toBe(true);
    await hydrated(page);
    await confirmation.confirm();
    await expect(confirmation.report).toContainText('Deleted 1 of 1.');
    expect(await tokenExists(token.AccessorID)).toBe(false);
  });

  test('your own token cannot be deleted: the button is disabled with the reason', async ({ page }) => {
    const tokenPage = new TokenPage(page);
    await signIn(page, demoSecret());
    const self = await nomad('GET', '/v1/acl/token/self');
    await tokenPage.goto(self.AccessorID);
    await expect(tokenPage.deleteButton).toBeDisabled();
    await expect(tokenPage.selfDeleteWhy).toContainText('the token you are signed in with');
    // Asking for it by URL does not put it in the plan either.
    const confirmation = new DeleteTokensPage(page);
    await confirmation.goto(`?a=${self.AccessorID}`);
    await expect(confirmation.nothingToDelete).toBeVisible();
  });
});

test.describe('bulk delete', () => {
  test('select several, confirm with their names, see progress, and get each failure named', async ({ page }) => {
    const { policy } = await policyAndRole();
    const tag = `e2e-bulk-${suffix()}`;
    const tokens = [];
    for (let i = 0; i < 6; i++) tokens.push(await createToken({ Name: `${tag}-${i}`, Policies: [policy] }));
    const list = new TokensListPage(page);
    const confirmation = new DeleteTokensPage(page);
    await signIn(page, demoSecret());
    await list.goto(`?search=${tag}&sort=name`);
    await hydrated(page);
    await list.selectAll.check();
    await expect(list.selectedCount).toHaveText('6 selected');
    await list.deleteSelected();
    await expect(page).toHaveURL(/\/tokens\/delete\?/);
    for (const t of tokens) await expect(confirmation.doomed).toContainText(t.Name);
    await hydrated(page);
    // One goes away before the confirmation: it must be reported, not hidden.
    await nomad('DELETE', `/v1/acl/token/${tokens[5].AccessorID}`);
    await confirmation.confirm();
    await expect(confirmation.progress).toContainText('6 of 6 processed');
    await expect(confirmation.report).toContainText('Deleted 5 of 6.');
    await expect(confirmation.failures).toContainText(`${tag}-5`);
    await expect(confirmation.failures).toContainText('Cannot delete nonexistent tokens');
    for (const t of tokens) expect(await tokenExists(t.AccessorID)).toBe(false);
  });

  test('delete all expired tokens (own console, 1s minimum TTL)', async ({ page }) => {
    const c = await startConsole(['demo', '--token-min-ttl', '1s']);
    try {
      const api = async (method: string, path: string, body?: unknown) => nomad(method, path, body, c.secret!, c.nomadAddr!);
      const keep = await api('PUT', '/v1/acl/token', { Name: 'keeps-living', Type: 'management', ExpirationTTL: '1h' });
      for (let i = 0; i < 3; i++) await api('PUT', '/v1/acl/token', { Name: `short-${i}`, Type: 'management', ExpirationTTL: '1s' });
      await new Promise((r) => setTimeout(r, 1500));
      const now = Date.now();
      const expired = (await api('GET', '/v1/acl/tokens')).filter((t: any) => t.ExpirationTime && Date.parse(t.ExpirationTime) <= now);
      expect(expired.length).toBeGreaterThanOrEqual(3);
      const list = new TokensListPage(page, c.url);
      const confirmation = new DeleteTokensPage(page);
      await signIn(page, c.secret!, c.url);
      await list.goto();
      await list.deleteExpired();
      await expect(confirmation.doomed.locator('li')).toHaveCount(expired.length);
      await expect(confirmation.doomed).toContainText('short-0');
      await expect(confirmation.doomed).not.toContainText('keeps-living');
      await hydrated(page);
      await confirmation.confirm();
      await expect(confirmation.report).toContainText(`Deleted ${expired.length} of ${expired.length}.`);
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
    const form = new NewTokenPage(page);
    await signIn(page, demoSecret());
    await form.goto();
    const name = `e2e-nojs-${suffix()}`;
    await form.name.fill(name);
    await form.create();
    await expect(page).toHaveURL(/\/tokens\/new\?/);
    await expect(form.grants.error).toContainText('client token missing policies or roles');
    await expect(form.name).toHaveValue(name);
    await form.grants.policy(policy).check();
    await form.expiry('1 hour').check();
    await form.create();
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
    const tokenPage = new TokenPage(page);
    const confirmation = new DeleteTokensPage(page);
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await tokenPage.goto(token.AccessorID);
    await tokenPage.reveal();
    await expect(page).toHaveURL(/\?revealed=1$/);
    await expect(tokenPage.secretValue).toHaveText(token.SecretID);
    await tokenPage.delete();
    await expect(confirmation.doomed).toContainText(token.Name);
    await confirmation.confirm();
    await expect(page).toHaveURL(/\/tokens\?deleted=1$/);
    await expect(list.deletedNotice).toHaveText('Deleted 1 token.');
    expect(await tokenExists(token.AccessorID)).toBe(false);
    await context.close();
  });
});
