import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createToken, demoSecret, nomad, signIn, suffix } from '../support/nomad';

const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);

async function exists(name: string): Promise<boolean> {
  try {
    await nomad('GET', `/v1/acl/policy/${name}`);
    return true;
  } catch (e) {
    if (String(e).includes(' 404 ')) return false;
    throw e;
  }
}

// Line 3 is broken; lines 1 and 2 are fine.
const BAD_RULES = 'namespace "default" {\n  policy = "read"\n  capabilities = ["read-job" "list-jobs"]\n}\n';

test.describe('policies', () => {
  test('create, edit (Ctrl+Enter) and delete a policy through the UI', async ({ page }) => {
    const name = `e2e-pol-${suffix()}`;
    await signIn(page, demoSecret());
    await page.goto('/policies/new');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Description (optional)').fill('Reads the default namespace');
    await page.getByLabel('Rules').fill('namespace "default" {\n  policy = "read"\n}\n');
    await expect(page.getByTestId('rules-ok')).toHaveText('The rules are valid.');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
    await expect(page.getByTestId('policy-saved')).toBeVisible();
    await expect(page.getByTestId('policy-rules')).toContainText('policy = "read"');
    const created = await nomad('GET', `/v1/acl/policy/${name}`);
    expect(created.Description).toBe('Reads the default namespace');

    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page).toHaveURL(new RegExp(`/policies/${name}/edit$`));
    await hydrated(page);
    await expect(page.getByLabel('Rules')).toHaveValue(/policy = "read"/);
    await page.getByLabel('Description (optional)').fill('Writes the default namespace');
    const rules = page.getByLabel('Rules');
    await rules.fill('namespace "default" {\n  policy = "write"\n}\n');
    await rules.press('Control+Enter');
    await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
    await expect(page.getByTestId('policy-description')).toHaveText('Writes the default namespace');
    await expect(page.getByTestId('policy-rules')).toContainText('policy = "write"');
    expect((await nomad('GET', `/v1/acl/policy/${name}`)).Rules).toContain('"write"');

    await page.getByText('Delete…').click();
    await page.getByRole('button', { name: `Yes, delete policy ${name}` }).click();
    await expect(page).toHaveURL(/\/policies\?deleted=1$/);
    await expect(page.getByTestId('policy-deleted')).toBeVisible();
    expect(await exists(name)).toBe(false);
    await expect(page.getByTestId('policies-table')).not.toContainText(name);
  });

  test('an invalid rule shows an error at its line before saving; without JavaScript the server refuses it with the same message', async ({ page, browser }) => {
    const name = `e2e-bad-${suffix()}`;
    await signIn(page, demoSecret());
    await page.goto('/policies/new');
    await hydrated(page);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Rules').fill(BAD_RULES);
    const inline = page.getByTestId('rules-error');
    await expect(inline).toHaveText(/^line 3, column \d+: /);
    await expect(page.getByLabel('Rules')).toHaveAttribute('aria-invalid', 'true');
    const inlineText = (await inline.textContent())!;
    const message = inlineText.replace(/^line \d+, column \d+: /, '');
    expect(await exists(name)).toBe(false);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const nojs = await context.newPage();
    await signIn(nojs, demoSecret());
    await nojs.goto('/policies/new');
    await nojs.getByLabel('Name', { exact: true }).fill(name);
    await nojs.getByLabel('Rules').fill(BAD_RULES);
    await nojs.getByRole('button', { name: 'Create policy' }).click();
    await expect(nojs).toHaveURL(/\/policies\/new\?/);
    await expect(nojs.getByTestId('rules-server-error')).toHaveText(`failed to parse rules: ${message}`);
    // The draft comes back, and the server-rendered check points at the line too.
    await expect(nojs.getByLabel('Rules')).toHaveValue(BAD_RULES);
    await expect(nojs.getByLabel('Name', { exact: true })).toHaveValue(name);
    await expect(nojs.getByTestId('rules-error')).toHaveText(inlineText);
    expect(await exists(name)).toBe(false);
    await context.close();
  });

  test('a bad name is refused next to the name field without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, demoSecret());
    await page.goto('/policies/new');
    await page.getByLabel('Name', { exact: true }).fill('My Fun Policy');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await expect(page.getByTestId('name-error')).toContainText("invalid name 'My Fun Policy'");
    await context.close();
  });

  const presets = [
    'Read-only viewer',
    'Developer for one namespace',
    'Operator',
    'Cluster admin (no ACL management)',
    'Anonymous read-only',
    'Variables reader for one path',
  ];
  for (const [i, label] of presets.entries()) {
    test(`the preset "${label}" fills the rules and Nomad accepts them`, async ({ page }) => {
      const name = `e2e-preset-${i}-${suffix()}`;
      await signIn(page, demoSecret());
      await page.goto('/policies/new');
      await hydrated(page);
      await page.getByLabel('Namespace (developer, variables reader)').fill('payments');
      await page.getByLabel('Variables path (variables reader)').fill('app/payments/*');
      await page.getByRole('button', { name: label, exact: true }).click();
      await expect(page.getByLabel('Rules')).not.toHaveValue('');
      await expect(page.getByTestId('rules-ok')).toHaveText('The rules are valid.');
      if (label.startsWith('Developer') || label.startsWith('Variables')) {
        await expect(page.getByLabel('Rules')).toHaveValue(/namespace "payments"/);
      }
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Create policy' }).click();
      await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
      const stored = await nomad('GET', `/v1/acl/policy/${name}`);
      expect(stored.Rules).toBe(await page.getByTestId('policy-rules').textContent());
      await nomad('DELETE', `/v1/acl/policy/${name}`);
    });
  }

  test('the delete confirmation lists the roles and tokens left pointing at the policy', async ({ page }) => {
    const s = suffix();
    const name = `e2e-used-${s}`;
    await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Description: '', Rules: 'node { policy = "read" }' });
    const role = await nomad('PUT', '/v1/acl/role', { Name: `e2e-role-${s}`, Policies: [{ Name: name }] });
    const token = await createToken({ Name: `e2e-token-${s}`, Policies: [name] });
    await signIn(page, demoSecret());
    await page.goto('/policies');
    const row = page.locator(`tr[data-policy="${name}"]`);
    await expect(row.locator('td').nth(2)).toHaveText('1');
    await expect(row.locator('td').nth(3)).toHaveText('1');
    await page.goto(`/policies/${name}`);
    await expect(page.getByTestId('policy-roles')).toContainText(`e2e-role-${s}`);
    await page.getByText('Delete…').click();
    await expect(page.getByTestId('delete-roles')).toContainText(`e2e-role-${s}`);
    await expect(page.getByTestId('delete-tokens')).toContainText(`e2e-token-${s}`);
    await expect(page.getByTestId('delete-tokens')).toContainText(token.AccessorID);
    await page.getByRole('button', { name: `Yes, delete policy ${name}` }).click();
    await expect(page).toHaveURL(/\/policies\?deleted=1$/);
    await page.goto('/policies?missing=1');
    await expect(page.getByTestId('missing-policies')).toContainText(name);
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await nomad('DELETE', `/v1/acl/token/${token.AccessorID}`);
  });

  test('user text shows as text, never as HTML', async ({ page }) => {
    const name = `e2e-html-${suffix()}`;
    const description = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const rules = '# <script>window.__pwned=1</script><i>x</i>\nnode {\n  policy = "read"\n}\n';
    await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Description: description, Rules: rules });
    await signIn(page, demoSecret());
    for (const path of [`/policies?search=${name}`, `/policies/${name}`, `/policies/${name}/edit`]) {
      await page.goto(path);
      await hydrated(page);
      await expect(page.locator('main b, main i, main img')).toHaveCount(0);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
    }
    await page.goto(`/policies/${name}`);
    await expect(page.getByTestId('policy-description')).toHaveText(description);
    await expect(page.getByTestId('policy-rules')).toHaveText(rules);
    await nomad('DELETE', `/v1/acl/policy/${name}`);
  });

  for (const path of ['/policies', '/policies/new', '/policies/prometheus-scrape', '/policies/prometheus-scrape/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const name = `e2e-axe-${suffix()}`;
      await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Description: 'axe', Rules: 'agent { policy = "read" }' });
      await signIn(page, demoSecret());
      await page.goto(path.replace('prometheus-scrape', name));
      await hydrated(page);
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await nomad('DELETE', `/v1/acl/policy/${name}`);
    });
  }
});
