import { test, expect, Page } from '@playwright/test';
import { startConsole } from '../support/console';
import { createPolicy, createRole, createToken, demoSecret, nomad, suffix } from '../support/nomad';
import { Header } from '../pages/header';
import { hydrated } from '../pages/hydrated';
import { PoliciesListPage } from '../pages/policiesListPage';
import { ProfilePage } from '../pages/profilePage';
import { RoleEditor } from '../pages/roleEditor';
import { RolePage } from '../pages/rolePage';
import { RolesListPage } from '../pages/rolesListPage';
import { signIn } from '../pages/signInPage';
import { TokensListPage } from '../pages/tokensListPage';
import { TokenPermissionsPage } from '../pages/tokenPermissionsPage';
import { WhoCanPage } from '../pages/whoCanPage';

// Live updates: changes made directly on the embedded Nomad's HTTP API,
// as the CLI or Terraform would make them, reach open pages without a reload.
// Other specs share the demo: every assertion is about objects this spec created.

/** The stream is open (the header says so): changes from now on must arrive. */
const live = (page: Page) => new Header(page).waitUntilLive();
/** Changes must show within two seconds of being made. */
const SOON = { timeout: 2_000 };

/** Marks the document, so a later check can tell no reload happened. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as any).__noReload = true));
}
async function notReloaded(page: Page) {
  expect(await page.evaluate(() => (window as any).__noReload === true)).toBe(true);
}

test.describe('live updates', () => {
  test('tokens appear, change and disappear on an open list; search, paging, ticked rows and a half-typed filter survive', async ({ page }) => {
    const s = suffix();
    const prefix = `e2e-live-${s}`;
    // 26 matching tokens: with 25 per page, page 2 holds one.
    const first = [];
    for (let i = 0; i < 26; i++) first.push(await createToken({ Name: `${prefix}-${String(i).padStart(2, '0')}`, Policies: ['readonly'] }));
    const list = new TokensListPage(page);
    await signIn(page, demoSecret());
    await list.goto(`?search=${prefix}&sort=name&dir=asc&per_page=25&page=2`);
    await hydrated(page);
    await live(page);
    await mark(page);
    await expect(list.rows).toHaveCount(1);
    await expect(list.count).toContainText('26 of');
    // A ticked row and a filter typed but not applied.
    await list.rowCheckboxes.first().check();
    await expect(list.selectedCount).toHaveText('1 selected');
    await list.search.fill('half-typed');

    // Created elsewhere: appears on page 2 (sorted by name, after the others).
    const added = await createToken({ Name: `${prefix}-99`, Policies: ['readonly'] });
    await expect(list.row(added.AccessorID)).toBeVisible(SOON);
    await expect(list.rows).toHaveCount(2);
    await expect(new Header(page).liveUpdated).toBeVisible();
    // State kept: the URL, the page, the ticked row, the unapplied filter.
    expect(page.url()).toContain(`search=${prefix}`);
    expect(page.url()).toContain('page=2');
    await expect(list.rowCheckboxes.first()).toBeChecked();
    await expect(list.selectedCount).toHaveText('1 selected');
    await expect(list.search).toHaveValue('half-typed');

    // Renamed elsewhere (the CLI's `token update`): the row follows.
    await nomad('PUT', `/v1/acl/token/${added.AccessorID}`, { ...added, Name: `${prefix}-98-renamed` });
    await expect(list.row(added.AccessorID)).toContainText(`${prefix}-98-renamed`, SOON);

    // Deleted elsewhere: the row goes.
    await nomad('DELETE', `/v1/acl/token/${added.AccessorID}`);
    await expect(list.row(added.AccessorID)).toHaveCount(0, SOON);
    await expect(list.rows).toHaveCount(1);
    await notReloaded(page);
  });

  test('roles and policies lists follow creates, edits and deletes made elsewhere', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-live-p-${s}`;
    const role = `e2e-live-r-${s}`;
    const policies = new PoliciesListPage(page);
    const roles = new RolesListPage(page);
    await signIn(page, demoSecret());

    await policies.goto(`?search=e2e-live-p-${s}`);
    await hydrated(page);
    await live(page);
    await mark(page);
    await createPolicy(policy, 'node { policy = "read" }', 'first');
    await expect(policies.main).toContainText(policy, SOON);
    await expect(policies.main).toContainText('first');
    await createPolicy(policy, 'node { policy = "read" }', 'second');
    await expect(policies.main).toContainText('second', SOON);
    await notReloaded(page);

    await roles.goto(`?search=${role}`);
    await hydrated(page);
    await live(page);
    await mark(page);
    const created = await nomad('PUT', '/v1/acl/role', { Name: role, Description: 'on call', Policies: [{ Name: policy }] });
    const row = roles.row(role);
    await expect(row).toBeVisible(SOON);
    await nomad('PUT', `/v1/acl/role/${created.ID}`, { ...created, Description: 'on call, edited' });
    await expect(row).toContainText('on call, edited', SOON);
    await nomad('DELETE', `/v1/acl/role/${created.ID}`);
    await expect(row).toHaveCount(0, SOON);
    await expect(roles.search).toHaveValue(role);
    await notReloaded(page);

    await policies.goto(`?search=e2e-live-p-${s}`);
    await hydrated(page);
    await live(page);
    await nomad('DELETE', `/v1/acl/policy/${policy}`);
    await expect(policies.main).not.toContainText(policy, SOON);
  });

  test('an edit form warns when its role is changed or deleted elsewhere, and keeps what was typed', async ({ page }) => {
    const s = suffix();
    const policy = `e2e-live-ep-${s}`;
    await createPolicy(policy, 'node { policy = "read" }');
    const role = await nomad('PUT', '/v1/acl/role', { Name: `e2e-live-er-${s}`, Policies: [{ Name: policy }] });
    const editor = new RoleEditor(page);
    await signIn(page, demoSecret());
    await editor.gotoEdit(role.ID);
    await hydrated(page);
    await live(page);
    await editor.description.fill('my unsaved words');

    await nomad('PUT', `/v1/acl/role/${role.ID}`, { ...role, Description: 'theirs' });
    await expect(editor.drift).toHaveAttribute('data-drift', 'changed', SOON);
    await expect(editor.drift).toContainText('This role was changed elsewhere');
    await expect(editor.description).toHaveValue('my unsaved words');

    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await expect(editor.drift).toHaveAttribute('data-drift', 'deleted', SOON);
    await expect(editor.drift).toContainText('This role was deleted elsewhere');
    await expect(editor.description).toHaveValue('my unsaved words');
  });

  test('when the stream cannot connect, the header says live updates are off and the page still works', async ({ page }) => {
    const liveStatus = new Header(page).liveStatus;
    await signIn(page, demoSecret());
    // A proxy that buffers the stream: the response never starts.
    await page.route('**/live?*', () => {});
    await new RolesListPage(page).goto();
    await hydrated(page);
    await expect(liveStatus).toHaveAttribute('data-state', 'off', { timeout: 15_000 });
    await expect(liveStatus).toHaveAttribute('title', /did not connect/);
    await expect(liveStatus).toHaveText('Live updates off');
    await expect(page.locator('table')).toBeVisible();
    // A refused stream (the proxy answers an error): off too, with its reason.
    await page.unroute('**/live?*');
    await page.route('**/live?*', (route) => route.fulfill({ status: 502, body: 'bad gateway' }));
    await new PoliciesListPage(page).goto();
    await hydrated(page);
    await expect(liveStatus).toHaveAttribute('data-state', 'off', { timeout: 15_000 });
    await expect(liveStatus).toHaveAttribute('title', /closed|did not connect/);
    await expect(page.locator('table')).toBeVisible();
  });

  test('without JavaScript the header says live updates are off', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const liveStatus = new Header(page).liveStatus;
    await signIn(page, demoSecret());
    await new TokensListPage(page).goto();
    await expect(liveStatus).toHaveAttribute('data-state', 'off');
    await expect(liveStatus).toHaveText('Live updates off');
    await expect(liveStatus).toHaveAttribute('title', /need JavaScript/);
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
    await new TokensListPage(one).goto();
    await hydrated(one);
    await live(one);
    // The tokens list follows tokens, roles and policies: three watches.
    await expect.poll(watches).toBe(3);
    const two = await context.newPage();
    await new TokensListPage(two).goto();
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

test('who-can and a token\'s effective permissions follow changes made elsewhere, with the live marker', async ({ page }) => {
  const s = suffix();
  const ns = `e2e-live-ns-${s}`;
  const policy = `e2e-live-grant-${s}`;
  await createPolicy(policy, `namespace "${ns}" { policy = "read" }`);
  await signIn(page, demoSecret());

  const whoCan = new WhoCanPage(page);
  await whoCan.goto(`?right=submit-job&namespace=${ns}`);
  await hydrated(page);
  await live(page);
  await mark(page);
  const holder = await createToken({ Name: `e2e-live-holder-${s}`, Policies: [policy] });
  // Read only: not a holder. Nomad's rules change elsewhere: now it is.
  await expect(whoCan.stats).toBeVisible();
  await expect(whoCan.tokenHolder(holder.AccessorID)).toHaveCount(0);
  await createPolicy(policy, `namespace "${ns}" { policy = "write" }`);
  await expect(whoCan.tokenHolder(holder.AccessorID)).toBeVisible(SOON);
  await notReloaded(page);

  const permissions = new TokenPermissionsPage(page);
  await permissions.goto(holder.AccessorID);
  await hydrated(page);
  await live(page);
  await mark(page);
  await expect(permissions.namespace(ns)).toBeVisible();
  await createPolicy(policy, `namespace "${ns}-other" { policy = "read" }`);
  await expect(permissions.namespace(`${ns}-other`)).toBeVisible(SOON);
  await expect(permissions.namespace(ns)).toHaveCount(0);
  await notReloaded(page);
  await nomad('DELETE', `/v1/acl/token/${holder.AccessorID}`);
  await nomad('DELETE', `/v1/acl/policy/${policy}`);
});

test('a revealed secret on the profile stays revealed when the token changes elsewhere', async ({ page }) => {
  const s = suffix();
  const mine = await createToken({ Name: `e2e-live-me-${s}`, Type: 'management' });
  await signIn(page, mine.SecretID);
  const profile = new ProfilePage(page);
  await profile.goto();
  await hydrated(page);
  await live(page);
  await mark(page);
  await profile.reveal();
  await expect(profile.revealedSecret).toHaveText(mine.SecretID);
  // Renamed through Nomad's API: the page re-renders with the new name.
  await nomad('POST', `/v1/acl/token/${mine.AccessorID}`, { ...mine, Name: `e2e-live-me-${s}-renamed` });
  await expect(profile.name).toHaveText(`e2e-live-me-${s}-renamed`, SOON);
  await expect(profile.revealedSecret).toHaveText(mine.SecretID);
  await notReloaded(page);
  await nomad('DELETE', `/v1/acl/token/${mine.AccessorID}`);
});

test('an open delete confirmation stays open, and a closed one closed, when its role changes elsewhere', async ({ page }) => {
  const s = suffix();
  const policy = `e2e-live-del-${s}`;
  await createPolicy(policy, 'namespace "default" { policy = "read" }');
  const role = await createRole(`e2e-live-del-${s}`, [policy]);
  await signIn(page, demoSecret());
  const rolePage = new RolePage(page);
  await rolePage.goto(role.ID);
  await hydrated(page);
  await live(page);
  await mark(page);
  await rolePage.toggleDelete();
  await expect(rolePage.deletePanel).toHaveAttribute('open', '');
  // Changed through Nomad's API: the page re-renders with the new description.
  await nomad('POST', `/v1/acl/role/${role.ID}`, { ...role, Description: 'changed elsewhere' });
  await expect(rolePage.description).toHaveText('changed elsewhere', SOON);
  await expect(rolePage.deletePanel).toHaveAttribute('open', '');
  await rolePage.toggleDelete();
  await expect(rolePage.deletePanel).not.toHaveAttribute('open');
  await nomad('POST', `/v1/acl/role/${role.ID}`, { ...role, Description: 'changed again' });
  await expect(rolePage.description).toHaveText('changed again', SOON);
  await expect(rolePage.deletePanel).not.toHaveAttribute('open');
  await notReloaded(page);
  await nomad('DELETE', `/v1/acl/role/${role.ID}`);
  await nomad('DELETE', `/v1/acl/policy/${policy}`);
});

test('the console stops promptly on SIGTERM while a page holds a live stream open', async ({ browser }) => {
  const running = await startConsole(['demo']);
  const context = await browser.newContext({ baseURL: running.url });
  try {
    const page = await context.newPage();
    await signIn(page, running.secret!);
    await new RolesListPage(page).goto();
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
