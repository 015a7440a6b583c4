import { test, expect } from '@playwright/test';
import { startConsole, RunningConsole } from '../support/console';
import { nomad, suffix } from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { BindingRuleEditor } from '../pages/bindingRuleEditor';
import { Header } from '../pages/header';
import { NewTokenPage } from '../pages/newTokenPage';
import { OverviewPage } from '../pages/overviewPage';
import { ReplicationPage } from '../pages/replicationPage';
import { signIn } from '../pages/signInPage';
import { TokensListPage } from '../pages/tokensListPage';

// Its own console: demo mode with a federation of three regions (north authoritative).
test.describe('regions', () => {
  test.describe.configure({ mode: 'serial' });
  let fed: RunningConsole;
  let north: string;

  test.beforeAll(async () => {
    fed = await startConsole(['demo', '--regions', 'north,east,west', '--replication-interval', '300ms']);
    north = fed.nomadAddr!;
  });
  test.afterAll(async () => {
    await fed?.stop();
  });

  const tokensIn = async (region: string) =>
    (await nomad('GET', `/v1/acl/tokens?region=${region}`, undefined, fed.secret!, north)) as { Name: string }[];

  test('switching region shows that region’s tokens, and its links stay in it', async ({ page }) => {
    await signIn(page, fed.secret!, fed.url);
    const list = new TokensListPage(page, fed.url);
    await list.goto();
    await hydrated(page);
    const header = new Header(page);
    await expect(header.currentRegion).toHaveText('north');
    await expect(list.rowNames.filter({ hasText: 'east on-call (local)' })).toHaveCount(0);

    await header.switchRegion('east');
    await expect(page).toHaveURL(/\/tokens\?region=east$/);
    await hydrated(page);
    await expect(header.currentRegion).toHaveText('east');
    await expect(list.rowNames.filter({ hasText: 'east on-call (local)' })).toHaveCount(1);
    await expect(list.rows.filter({ hasText: 'east on-call (local)' }).locator('td[data-label="Scope"]')).toHaveText('Local');

    // A link followed in the browser keeps the region, and that page reads east too.
    await header.navigateTo('Roles');
    await expect(page).toHaveURL(/\/roles\?region=east$/);
    await header.navigateTo('Tokens');
    await expect(page).toHaveURL(/\/tokens\?region=east$/);
    await expect(list.rowNames.filter({ hasText: 'east on-call (local)' })).toHaveCount(1);
  });

  test('a global token created in a non-authoritative region reaches every region; a local one stays', async ({ page }) => {
    await signIn(page, fed.secret!, fed.url);
    const form = new NewTokenPage(page);
    const globalName = `global-${suffix()}`;
    await page.goto(`${fed.url}/tokens/new?region=east`);
    await hydrated(page);
    await form.fillMinimum(globalName, 'oncall-readonly');
    await form.global.check();
    await form.create();
    await expect(page).toHaveURL(/\/tokens\/[0-9a-f-]{36}\?.*region=east/);

    const localName = `local-${suffix()}`;
    await page.goto(`${fed.url}/tokens/new?region=east`);
    await hydrated(page);
    await expect(form.local).toBeChecked();
    await expect(form.local).toHaveAccessibleName(/region east only/);
    await form.fillMinimum(localName, 'oncall-readonly');
    await form.create();
    await expect(page).toHaveURL(/\/tokens\/[0-9a-f-]{36}\?.*region=east/);

    // Replicated from north to west within a few rounds; the local one never leaves east.
    await expect.poll(async () => (await tokensIn('west')).some((t) => t.Name === globalName), { timeout: 10_000 }).toBe(true);
    expect((await tokensIn('north')).some((t) => t.Name === globalName)).toBe(true);
    expect((await tokensIn('east')).some((t) => t.Name === localName)).toBe(true);
    expect((await tokensIn('west')).some((t) => t.Name === localName)).toBe(false);
    expect((await tokensIn('north')).some((t) => t.Name === localName)).toBe(false);

    const list = new TokensListPage(page, fed.url);
    await list.goto(`?search=${globalName}&region=west`);
    await expect(list.rows.locator('td[data-label="Scope"]')).toHaveText('Global');
  });

  test('without JavaScript the binding rule editor’s tester answers in the page’s region', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await signIn(page, fed.secret!, fed.url);
      const editor = new BindingRuleEditor(page);
      await page.goto(`${fed.url}/binding-rules/new?region=east&auth_method=okta`);
      await editor.selector.fill('"oncall" in list.groups');
      await editor.tester.testClaims('{"groups": ["oncall"]}');
      await expect(page).toHaveURL(/\/binding-rules\/new\?.*region=east/);
      await expect(new Header(page).currentRegion).toHaveText('east');
      await expect(editor.tester.verdict).toHaveAttribute('data-outcome', 'match');
    } finally {
      await context.close();
    }
  });

  test('the editors of replicated objects say where they are saved', async ({ page }) => {
    await signIn(page, fed.secret!, fed.url);
    for (const [path, what] of [
      ['/policies/new', 'This policy'],
      ['/roles/new', 'This role'],
      ['/namespaces/new', 'This namespace'],
      ['/auth-methods/new', 'This auth method'],
    ]) {
      await page.goto(`${fed.url}${path}?region=east`);
      await expect(page.getByTestId('replicated-note'), path).toHaveText(
        `${what} is saved in the authoritative region (north) and replicated to every region.`,
      );
    }
  });

  test('replication reports a paused region stale, and in sync once resumed', async ({ page }) => {
    await signIn(page, fed.secret!, fed.url);
    const view = new ReplicationPage(page, fed.url);
    await view.goto();
    await hydrated(page);
    await expect(view.source).toContainText('north');
    await expect(view.region('east')).toHaveAttribute('data-in-sync', 'true', { timeout: 15_000 });

    const policy = `replicated-${suffix()}`;
    await nomad('PUT', '/v1/dev/replication/east?paused=true', undefined, fed.secret!, north);
    try {
      await nomad('PUT', `/v1/acl/policy/${policy}`, { Name: policy, Rules: 'namespace "default" { policy = "read" }' }, fed.secret!, north);
      // The page asks again by itself.
      await expect(view.region('east')).toHaveAttribute('data-in-sync', 'false', { timeout: 10_000 });
      await expect(view.region('east')).toContainText(`missing: ${policy}`);
      await expect(view.region('east')).toContainText('first seen by this page');
      await expect(view.region('west')).toHaveAttribute('data-in-sync', 'true', { timeout: 10_000 });
      const overview = new OverviewPage(page, fed.url);
      await overview.goto();
      await expect(overview.replication).toContainText('east is 1 behind');
      await view.goto();
    } finally {
      await nomad('PUT', '/v1/dev/replication/east?paused=false', undefined, fed.secret!, north);
    }
    await expect(view.region('east')).toHaveAttribute('data-in-sync', 'true', { timeout: 10_000 });
  });

  test('a session whose token is local to another region gets a clear message and a way back', async ({ page }) => {
    const local = await nomad('PUT', '/v1/acl/token', { Name: `north-only-${suffix()}`, Type: 'management' }, fed.secret!, north);
    await signIn(page, local.SecretID, fed.url);
    const list = new TokensListPage(page, fed.url);
    await list.goto('?region=west');
    const header = new Header(page);
    await expect(header.regionElsewhere).toContainText('Your token is local to region north: region west does not know it');
    await header.regionElsewhere.getByRole('link', { name: 'Back to region north' }).click();
    await expect(page).toHaveURL(/\/tokens\?region=north$/);
    await expect(header.regionElsewhere).toHaveCount(0);
    await expect(list.heading).toBeVisible();
  });
});
