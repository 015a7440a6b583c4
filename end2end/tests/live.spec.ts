import { test, expect, Page } from '@playwright/test';
import { startConsole } from '../support/console';
import { createToken, demoSecret, nomad, signIn, suffix } from '../support/nomad';

// Live updates (issue 9): changes made directly on the embedded Nomad's HTTP API,
// as the CLI or Terraform would make them, reach open pages without a reload.
// Other specs share the demo: every assertion is about objects this spec created.

const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
/** The stream is open (the header says so): changes from now on must arrive. */
const live = (page: Page) => expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'on', { timeout: 15_000 });
/** Changes must show within two seconds of being made. */
const SOON = { timeout: 2_000 };

/** Marks the document, so a later check can tell no reload happened. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as any).__noReload = true));
}
async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as any).__noReload === true)).toBe(true);
}

const tokenRow = (page: Page, accessor: string) => page.locator(`tr[data-accessor="${accessor}"]`);

test.describe('live updates', () => {
  test('tokens appear, change and disappear on an open list; search, paging, ticked rows and a half-typed filter survive', async ({ page }) => {
    const s = suffix();
    const prefix = `e2e-live-${s}`;
    // 26 matching tokens: with 25 per page, page 2 holds one.
    const first = [];
    for (let i = 0; i < 26; i++) first.push(await createToken({ Name: `${prefix}-${String(i).padStart(2, '0')}`, Policies: ['readonly'] }));
    await signIn(page, demoSecret());
    await page.goto(`/tokens?search=${prefix}&sort=name&dir=asc&per_page=25&page=2`);
    await hydrated(page);
    await live(page);
    await mark(page);
    await expect(page.getByTestId('token-row')).toHaveCount(1);
    await expect(page.getByTestId('token-count')).toContainText('26 of');
    // A ticked row and a filter typed but not applied.
    await page.getByTestId('select-token').first().check();
    await expect(page.getByTestId('selected-count')).toHaveText('1 selected');
    await page.getByLabel('Search').fill('half-typed');

    // Created elsewhere: appears on page 2 (sorted by name, after the others).
    const added = await createToken({ Name: `${prefix}-99`, Policies: ['readonly'] });
    await expect(tokenRow(page, added.AccessorID)).toBeVisible(SOON);
    await expect(page.getByTestId('token-row')).toHaveCount(2);
    await expect(page.getByTestId('live-updated')).toBeVisible();
    // State kept: the URL, the page, the ticked row, the unapplied filter.
    expect(page.url()).toContain(`search=${prefix}`);
    expect(page.url()).toContain('page=2');
    await expect(page.getByTestId('select-token').first()).toBeChecked();
    await expect(page.getByTestId('selected-count')).toHaveText('1 selected');
    await expect(page.getByLabel('Search')).toHaveValue('half-typed');

    // Renamed elsewhere (the CLI's `token update`): the row follows.
    await nomad('PUT', `/v1/acl/token/${added.AccessorID}`, { ...added, Name: `${prefix}-98-renamed` });
    await expect(tokenRow(page, added.AccessorID)).toContainText(`${prefix}-98-renamed`, SOON);

    // Deleted elsewhere: the row goes.
    await nomad('DELETE', `/v1/acl/token/${added.AccessorID}`);
    await expect(tokenRow(page, added.AccessorID)).toHaveCount(0, SOON);
    await expect(page.getByTestId('token-row')).toHaveCount(1);
    await notReloaded(page);
  });

  test('roles and policies lists follow creates, edits and deletes made elsewhere', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-live-p-${s}`;
    const role = `e2e-live-r-${s}`;
    await signIn(page, demoSecret());

    await page.goto(`/policies?search=e2e-live-p-${s}`);
    await hydrated(page);
    await live(page);
    await mark(page);
    await nomad('PUT', `/v1/acl/policy/${policy}`, { Name: policy, Description: 'first', Rules: 'node { policy = "read" }' });
    await expect(page.locator('main')).toContainText(policy, SOON);
    await expect(page.locator('main')).toContainText('first');
    await nomad('PUT', `/v1/acl/policy/${policy}`, { Name: policy, Description: 'second', Rules: 'node { policy = "read" }' });
    await expect(page.locator('main')).toContainText('second', SOON);
    await notReloaded(page);

    await page.goto(`/roles?search=${role}`);
    await hydrated(page);
    await live(page);
    await mark(page);
    const created = await nomad('PUT', '/v1/acl/role', { Name: role, Description: 'on call', Policies: [{ Name: policy }] });
    const row = page.locator(`tr[data-role="${role}"]`);
    await expect(row).toBeVisible(SOON);
    await nomad('PUT', `/v1/acl/role/${created.ID}`, { ...created, Description: 'on call, edited' });
    await expect(row).toContainText('on call, edited', SOON);
    await nomad('DELETE', `/v1/acl/role/${created.ID}`);
    await expect(row).toHaveCount(0, SOON);
    await expect(page.getByLabel('Search by name, description or policy')).toHaveValue(role);
    await notReloaded(page);

    await page.goto(`/policies?search=e2e-live-p-${s}`);
    await hydrated(page);
    await live(page);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
    await expect(page.locator('main')).not.toContainText(policy, SOON);
  });

  test('an edit form warns when its role is changed or deleted elsewhere, and keeps what was typed', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-live-ep-${s}`;
    await nomad('PUT', `/v1/acl/policy/${policy}`, { Name: policy, Rules: 'node { policy = "read" }' });
    const role = await nomad('PUT', '/v1/acl/role', { Name: `e2e-live-er-${s}`, Policies: [{ Name: policy }] });
    await signIn(page, demoSecret());
    await page.goto(`/roles/${role.ID}/edit`);
    await hydrated(page);
    await live(page);
    await page.getByLabel('Description (optional)').fill('my unsaved words');

    await nomad('PUT', `/v1/acl/role/${role.ID}`, { ...role, Description: 'theirs' });
    await expect(page.getByTestId('edit-drift')).toHaveAttribute('data-drift', 'changed', SOON);
    await expect(page.getByTestId('edit-drift')).toContainText('This role was changed elsewhere');
    await expect(page.getByLabel('Description (optional)')).toHaveValue('my unsaved words');

    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await expect(page.getByTestId('edit-drift')).toHaveAttribute('data-drift', 'deleted', SOON);
    await expect(page.getByTestId('edit-drift')).toContainText('This role was deleted elsewhere');
    await expect(page.getByLabel('Description (optional)')).toHaveValue('my unsaved words');
  });

  test('when the stream cannot connect, the header says live updates are off and the page still works', async ({ page }) => {
    await signIn(page, demoSecret());
    // A proxy that buffers the stream: the response never starts.
    await page.route('**/live?*', () => {});
    await page.goto('/roles');
    await hydrated(page);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'off', { timeout: 15_000 });
    await expect(page.getByTestId('live-status')).toHaveAttribute('title', /did not connect/);
    await expect(page.getByTestId('live-status')).toHaveText('Live updates off');
    await expect(page.locator('table')).toBeVisible();
    // A refused stream (the proxy answers an error): off too, with its reason.
    await page.unroute('**/live?*');
    await page.route('**/live?*', (route) => route.fulfill({ status: 502, body: 'bad gateway' }));
    await page.goto('/policies');
    await hydrated(page);
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'off', { timeout: 15_000 });
    await expect(page.getByTestId('live-status')).toHaveAttribute('title', /closed|did not connect/);
    await expect(page.locator('table')).toBeVisible();
  });

  test('without JavaScript the header says live updates are off', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await page.goto('/tokens');
    await expect(page.getByTestId('live-status')).toHaveAttribute('data-state', 'off');
    await expect(page.getByTestId('live-status')).toHaveText('Live updates off');
    await expect(page.getByTestId('live-status')).toHaveAttribute('title', /need JavaScript/);
    await context.close();
  });
});

test('one upstream watch per kind, shared by a token\'s pages, ended when the last page closes', async ({ browser }) => {
  // Its own console: the gauges count only this test's pages.
  const running = await startConsole(['demo']);
  const watches = async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    const m = text.match(/^console_live_watches (\d+)/m);
    return m ? Number(m[1]) : 0;
  };
  const streams = async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    const m = text.match(/^console_live_streams (\d+)/m);
    return m ? Number(m[1]) : 0;
  };
  const context = await browser.newContext({ baseURL: running.url });
  try {
    const one = await context.newPage();
    await signIn(one, running.secret!);
    await one.goto('/tokens');
    await hydrated(one);
    await live(one);
    // The tokens list follows tokens, roles and policies: three watches.
    await expect.poll(watches).toBe(3);
    const two = await context.newPage();
    await two.goto('/tokens');
    await hydrated(two);
    await live(two);
    await expect.poll(streams).toBe(2);
    expect(await watches()).toBe(3);
    await two.close();
    await expect.poll(streams).toBe(1);
    expect(await watches()).toBe(3);
    await one.close();
    await expect.poll(streams, { timeout: 10_000 }).toBe(0);
    await expect.poll(watches, { timeout: 10_000 }).toBe(0);
  } finally {
    await context.close();
    await running.stop();
  }
});

test('the console stops promptly on SIGTERM while a page holds a live stream open', async ({ browser }) => {
  const running = await startConsole(['demo']);
  const context = await browser.newContext({ baseURL: running.url });
  try {
    const page = await context.newPage();
    await signIn(page, running.secret!);
    await page.goto('/roles');
    await hydrated(page);
    await live(page);
    // Graceful shutdown waits for open responses; the stream must end, not hold it.
    const stopped = running.stop().then(() => 'stopped');
    const hung = new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000));
    expect(await Promise.race([stopped, hung])).toBe('stopped');
  } finally {
    await context.close();
    await running.stop();
  }
});
