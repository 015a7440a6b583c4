import { test, expect } from '@playwright/test';
import { createExpiredToken, createPolicy, createRole, createToken, demoSecret, nomad, suffix } from '../support/nomad';
import { startConsole } from '../support/console';
import { seriousAxeViolations } from '../support/accessibility';
import { hydrated } from '../pages/hydrated';
import { Header } from '../pages/header';
import { OverviewPage } from '../pages/overviewPage';
import { signIn } from '../pages/signInPage';
import { TokensListPage } from '../pages/tokensListPage';

// Other specs create tokens at the same time: every assertion is about tokens
// this spec created, found through unique names.

test.describe('tokens list', () => {
  test('search finds a token by name and by accessor prefix, and never shows a secret', async ({ page }) => {
    const name = `search-${suffix()}`;
    const token = await createToken({ Name: name, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());

    await list.goto(`?search=${name}`);
    await expect(list.heading).toBeVisible();
    await expect(page).toHaveTitle('Tokens · Nomad ACL Console');
    await expect(list.rows).toHaveCount(1);
    const r = list.row(token.AccessorID);
    await expect(r).toContainText(name);
    await expect(r).toContainText('client');
    await expect(r).toContainText(token.AccessorID.slice(0, 8));
    await expect(r.getByRole('link', { name: 'oncall-readonly', exact: true })).toHaveAttribute('href', '/policies/oncall-readonly');
    await expect(r).toContainText('Never');
    await expect(list.count).toContainText('1 of');

    await list.goto(`?search=${token.AccessorID.slice(0, 13)}`);
    await expect(list.rows).toHaveCount(1);
    await expect(list.row(token.AccessorID)).toBeVisible();

    const html = await page.content();
    expect(html).not.toContain(token.SecretID);
    expect(html).not.toContain(demoSecret());

    await list.goto(`?search=nothing-${suffix()}`);
    await expect(list.emptyState).toContainText('No tokens match these filters');
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
    const list = new TokensListPage(page);
    await list.goto(`?search=${name}`);
    await expect(new Header(page).cluster).toBeVisible();
    await expect(list.row(token.AccessorID)).toBeVisible();
  });

  test('the signed-in token is marked "you"', async ({ page }) => {
    const name = `me-${suffix()}`;
    const token = await createToken({ Name: name, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    const self = await nomad('GET', '/v1/acl/token/self');
    await list.goto(`?search=${self.AccessorID}`);
    await expect(list.youBadge(self.AccessorID)).toHaveText('you');
    await list.goto(`?search=${name}`);
    await expect(list.youBadge(token.AccessorID)).toHaveCount(0);
  });

  test('type and expiry filters, with expired tokens in red', async ({ page }) => {
    const name = `expired-${suffix()}`;
    const { AccessorID: accessor } = await createExpiredToken({ Name: name, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());

    await list.goto(`?search=${name}&expiry=expired`);
    await expect(list.rows).toHaveCount(1);
    const expires = list.expiry(accessor);
    await expect(expires).toHaveClass(/expired/);
    await expect(expires).toHaveText(/^expired .* ago$/);
    await expect(expires).toHaveAttribute('title', /UTC$/);

    await list.goto(`?search=${name}&expiry=never`);
    await expect(list.emptyState).toBeVisible();
    await list.goto(`?search=${name}&expiry=24h`);
    await expect(list.emptyState).toBeVisible();

    await list.goto(`?search=${name}&type=management`);
    await expect(list.emptyState).toBeVisible();
    await list.goto(`?search=${name}&type=client`);
    await expect(list.rows).toHaveCount(1);

    // Every management token listed is a management token.
    await list.goto('?type=management&per_page=100');
    const types = await list.cells('Type').allTextContents();
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['management']));

    // The overview's health links land on working filters.
    const overview = new OverviewPage(page);
    await overview.goto();
    await overview.expiredTokensLink.click();
    await expect(page).toHaveURL(/\/tokens\?expiry=expired$/);
    await expect(list.expiryFilter).toHaveValue('expired');
    await expect(list.count).toBeVisible();
  });

  test('role filter shows role names (not blank) and links to the role', async ({ page }) => {
    const sfx = suffix();
    const role = await createRole(`role-${sfx}`, ['oncall-readonly']);
    const token = await createToken({ Name: `with-role-${sfx}`, Roles: [{ ID: role.ID }] });
    await createToken({ Name: `without-role-${sfx}`, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());

    await list.goto(`?search=${sfx}`);
    await expect(list.rows).toHaveCount(2);
    await list.role.selectOption(role.Name);
    await list.apply();
    await expect(page).toHaveURL(new RegExp(`role=${role.Name}`));
    await expect(list.rows).toHaveCount(1);
    const link = list.row(token.AccessorID).getByRole('link', { name: role.Name, exact: true });
    await expect(link).toHaveAttribute('href', `/roles/${role.ID}`);
  });

  test('a role or policy filter from the URL that names nothing stays selected, spaces and all', async ({ page }) => {
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await list.goto(`?role=${encodeURIComponent('no  such role')}&policy=gone-${suffix()}`);
    await expect(list.role).toHaveValue('no  such role');
    await expect(list.policy).toHaveValue(/^gone-/);
    await expect(list.rows).toHaveCount(0);
    // Listed names are options whose text is their value.
    await list.role.selectOption({ label: 'Any' });
    await list.policy.selectOption('oncall-readonly');
    await expect(list.policy).toHaveValue('oncall-readonly');
  });

  test('a policy that no longer exists is shown deleted, not as a link', async ({ page }) => {
    const sfx = suffix();
    const policy = `doomed-${sfx}`;
    await createPolicy(policy, 'namespace "default" { policy = "read" }');
    const token = await createToken({ Name: `dangling-${sfx}`, Policies: [policy] });
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());

    await list.goto(`?search=${sfx}`);
    const r = list.row(token.AccessorID);
    const deleted = list.deletedPolicy(token.AccessorID);
    await expect(deleted).toContainText(policy);
    await expect(deleted).toContainText('deleted');
    await expect(deleted.locator('s')).toHaveText(policy);
    await expect(r.getByRole('link', { name: policy, exact: true })).toHaveCount(0);

    // Its only policy is gone: it grants nothing, and the health link finds it.
    await expect(list.warning(token.AccessorID)).toHaveText('grants nothing');
    await list.goto('?resolves=none&per_page=100&sort=created&dir=desc');
    await expect(r).toBeVisible();
  });

  test('sorting by name both ways, with aria-sort, kept in the URL', async ({ page }) => {
    const sfx = suffix();
    for (const n of ['b', 'c', 'a']) await createToken({ Name: `sort-${sfx}-${n}`, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await list.goto(`?search=sort-${sfx}`);
    const names = () => list.rowNames.allTextContents();
    await expect(list.rows).toHaveCount(3);
    // Newest first by default.
    expect(await names()).toEqual([`sort-${sfx}-a`, `sort-${sfx}-c`, `sort-${sfx}-b`]);
    await expect(list.sortedColumn('descending')).toContainText('Created');

    await list.sortByName();
    await expect(page).toHaveURL(/sort=name&dir=asc/);
    await expect(list.sortedColumn('ascending')).toContainText('Name');
    await expect.poll(names).toEqual([`sort-${sfx}-a`, `sort-${sfx}-b`, `sort-${sfx}-c`]);

    await list.sortByName();
    await expect(page).toHaveURL(/sort=name&dir=desc/);
    await expect(list.sortedColumn('descending')).toContainText('Name');
    await expect.poll(names).toEqual([`sort-${sfx}-c`, `sort-${sfx}-b`, `sort-${sfx}-a`]);
    // The search survived the sort.
    await expect(list.search).toHaveValue(`sort-${sfx}`);
  });

  test('paging: 25 a page, next and previous', async ({ page }) => {
    const sfx = suffix();
    await Promise.all(
      Array.from({ length: 27 }, (_, i) =>
        createToken({ Name: `page-${sfx}-${String(i).padStart(2, '0')}`, Policies: ['oncall-readonly'] }),
      ),
    );
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await list.goto(`?search=page-${sfx}&per_page=25&sort=name&dir=asc`);
    await expect(list.count).toContainText('27 of');
    await expect(list.pageOf).toHaveText('page 1 of 2');
    await expect(list.rows).toHaveCount(25);
    await list.nextPage();
    await expect(page).toHaveURL(/page=2/);
    await expect(list.pageOf).toHaveText('page 2 of 2');
    await expect(list.rows).toHaveCount(2);
    await expect(list.rowNames.first()).toHaveText(`page-${sfx}-25`);
    await list.previousPage();
    await expect(list.pageOf).toHaveText('page 1 of 2');

    await list.goto(`?search=page-${sfx}&per_page=50`);
    await expect(list.pageOf).toHaveText('page 1 of 1');
    await expect(list.rows).toHaveCount(27);
    // A page past the end shows the last one.
    await list.goto(`?search=page-${sfx}&page=9`);
    await expect(list.pageOf).toHaveText('page 2 of 2');
  });

  test('the whole state is in the URL: reload keeps it, Back returns', async ({ page }) => {
    const sfx = suffix();
    const token = await createToken({ Name: `url-${sfx}`, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await list.goto();
    await hydrated(page);
    await list.search.fill(`url-${sfx}`);
    await list.type.selectOption('client');
    await list.perPage.selectOption('50');
    await list.apply();
    await expect(page).toHaveURL(new RegExp(`search=url-${sfx}.*type=client.*per_page=50`));
    await expect(list.rows).toHaveCount(1);

    await page.reload();
    await expect(list.search).toHaveValue(`url-${sfx}`);
    await expect(list.type).toHaveValue('client');
    await expect(list.perPage).toHaveValue('50');
    await expect(list.row(token.AccessorID)).toBeVisible();

    await page.goBack();
    await expect(page).toHaveURL(/\/tokens$/);
    await expect(list.search).toHaveValue('');
    await page.goForward();
    await expect(list.rows).toHaveCount(1);

    await list.clear();
    await expect(page).toHaveURL(/\/tokens$/);
  });

  test('works with JavaScript disabled', async ({ browser }) => {
    const sfx = suffix();
    const token = await createToken({ Name: `nojs-${sfx}`, Policies: ['oncall-readonly'] });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    const res = await list.goto();
    expect(res?.status()).toBe(200);
    await expect(list.table).toBeVisible();
    await list.search.fill(`nojs-${sfx}`);
    await list.apply();
    await expect(page).toHaveURL(new RegExp(`search=nojs-${sfx}`));
    await expect(list.rows).toHaveCount(1);
    await expect(list.row(token.AccessorID)).toBeVisible();
    await list.sortByName();
    await expect(page).toHaveURL(/sort=name&dir=asc/);
    await expect(list.row(token.AccessorID)).toBeVisible();
    await context.close();
  });

  test('a token that cannot list tokens is told it needs a management token', async ({ page }) => {
    const token = await createToken({ Name: `weak-${suffix()}`, Policies: ['oncall-readonly'] });
    const list = new TokensListPage(page);
    await signIn(page, token.SecretID);
    await list.goto();
    await expect(list.error).toContainText('Permission denied');
    await expect(list.needsManagement).toContainText('management token');
  });

  test('no serious accessibility violations', async ({ page }) => {
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await list.goto('?per_page=25');
    await hydrated(page);
    await expect(list.rows.first()).toBeVisible();
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});

test.describe('tokens list at 300 tokens', () => {
  test('search, filters, sort and paging over 300 generated tokens, with the URL round trip', async ({ page }) => {
    // Its own console: `--extra-tokens 300` adds `<team>-svc-000000` … `-000299`
    // (every 50th a management token, every 10th expired, teams in a cycle of 8).
    const c = await startConsole(['demo', '--extra-tokens', '300']);
    try {
      const list = new TokensListPage(page, c.url);
      await signIn(page, c.secret!, c.url);
      await list.goto('?search=-svc-&per_page=100');
      await expect(list.count).toContainText('300 of');
      await expect(list.pageOf).toHaveText('page 1 of 3');
      await expect(list.rows).toHaveCount(100);
      await list.nextPage();
      await list.nextPage();
      await expect(page).toHaveURL(/page=3/);
      await expect(list.pageOf).toHaveText('page 3 of 3');
      await expect(list.rows).toHaveCount(100);
      await page.reload();
      await expect(list.pageOf).toHaveText('page 3 of 3');
      await page.goBack();
      await expect(list.pageOf).toHaveText('page 2 of 3');

      await list.goto('?search=-svc-&type=management');
      await expect(list.count).toContainText('6 of');
      await list.goto('?search=-svc-&expiry=expired&per_page=50');
      await expect(list.count).toContainText('30 of');
      await expect(list.rows).toHaveCount(30);

      await list.goto('?search=payments-svc&sort=name&dir=desc');
      await expect(list.count).toContainText('38 of');
      await expect(list.rowNames.first()).toHaveText('payments-svc-000296');
      await list.sortByName();
      await expect(page).toHaveURL(/sort=name&dir=asc/);
      await expect(list.rowNames.first()).toHaveText('payments-svc-000000');
    } finally {
      await c.stop();
    }
  });
});
