import { test, expect } from '@playwright/test';
import { createPolicy, createRole, createToken, demoSecret, getOrNull, nomad, suffix } from '../support/nomad';
import { seriousAxeViolations } from '../support/accessibility';
import { expectTextNotMarkup } from '../support/markup';
import { hydrated } from '../pages/hydrated';
import { PoliciesListPage } from '../pages/policiesListPage';
import { PolicyEditor } from '../pages/policyEditor';
import { PolicyPage } from '../pages/policyPage';
import { signIn } from '../pages/signInPage';

const exists = async (name: string) => (await getOrNull(`/v1/acl/policy/${name}`)) !== null;

// Line 3 is broken; lines 1 and 2 are fine.
const BAD_RULES = 'namespace "default" {\n  policy = "read"\n  capabilities = ["read-job" "list-jobs"]\n}\n';

test.describe('policies', () => {
  test('create, edit (Ctrl+Enter) and delete a policy through the UI', async ({ page }) => {
    const name = `e2e-pol-${suffix()}`;
    const editor = new PolicyEditor(page);
    const policyPage = new PolicyPage(page);
    const list = new PoliciesListPage(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await hydrated(page);
    await editor.name.fill(name);
    await editor.description.fill('Reads the default namespace');
    await editor.rules.fill('namespace "default" {\n  policy = "read"\n}\n');
    await expect(editor.rulesOk).toHaveText('The rules are valid.');
    await editor.create();
    await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
    await expect(policyPage.savedNotice).toBeVisible();
    await expect(policyPage.rules).toContainText('policy = "read"');
    const created = await nomad('GET', `/v1/acl/policy/${name}`);
    expect(created.Description).toBe('Reads the default namespace');

    await policyPage.edit();
    await expect(page).toHaveURL(new RegExp(`/policies/${name}/edit$`));
    await hydrated(page);
    await expect(editor.rules).toHaveValue(/policy = "read"/);
    await editor.description.fill('Writes the default namespace');
    await editor.rules.fill('namespace "default" {\n  policy = "write"\n}\n');
    await editor.saveWithKeyboard();
    await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
    await expect(policyPage.description).toHaveText('Writes the default namespace');
    await expect(policyPage.rules).toContainText('policy = "write"');
    expect((await nomad('GET', `/v1/acl/policy/${name}`)).Rules).toContain('"write"');

    await policyPage.startDelete();
    await policyPage.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/policies\\?deleted=${name}$`));
    await expect(list.deletedNotice).toHaveText(`The policy ${name} was deleted.`);
    expect(await exists(name)).toBe(false);
    await expect(list.table).not.toContainText(name);
  });

  test('an invalid rule shows an error at its line before saving; without JavaScript the server refuses it with the same message', async ({ page, browser }) => {
    const name = `e2e-bad-${suffix()}`;
    const editor = new PolicyEditor(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await hydrated(page);
    await editor.name.fill(name);
    await editor.rules.fill(BAD_RULES);
    const inline = editor.rulesError;
    await expect(inline).toHaveText(/^line 3, column \d+: /);
    await expect(editor.rules).toHaveAttribute('aria-invalid', 'true');
    const inlineText = (await inline.textContent())!;
    const message = inlineText.replace(/^line \d+, column \d+: /, '');
    expect(await exists(name)).toBe(false);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const nojs = await context.newPage();
    const nojsEditor = new PolicyEditor(nojs);
    await signIn(nojs, demoSecret());
    await nojsEditor.gotoNew();
    await nojsEditor.name.fill(name);
    await nojsEditor.rules.fill(BAD_RULES);
    await nojsEditor.create();
    await expect(nojs).toHaveURL(/\/policies\/new\?/);
    await expect(nojsEditor.rulesServerError).toHaveText(`failed to parse rules: ${message}`);
    // The draft comes back, and the server-rendered check points at the line too.
    await expect(nojsEditor.rules).toHaveValue(BAD_RULES);
    await expect(nojsEditor.name).toHaveValue(name);
    await expect(nojsEditor.rulesError).toHaveText(inlineText);
    expect(await exists(name)).toBe(false);
    await context.close();
  });

  test('a bad name is refused next to the name field without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const editor = new PolicyEditor(page);
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await editor.name.fill('My Fun Policy');
    await editor.create();
    await expect(editor.nameError).toContainText("invalid name 'My Fun Policy'");
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
      const editor = new PolicyEditor(page);
      await signIn(page, demoSecret());
      await editor.gotoNew();
      await hydrated(page);
      await editor.presetNamespace.fill('payments');
      await editor.presetVariablesPath.fill('app/payments/*');
      await editor.usePreset(label);
      await expect(editor.rules).not.toHaveValue('');
      await expect(editor.rulesOk).toHaveText('The rules are valid.');
      if (label.startsWith('Developer') || label.startsWith('Variables')) {
        await expect(editor.rules).toHaveValue(/namespace "payments"/);
      }
      await editor.name.fill(name);
      await editor.create();
      await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?saved=1$`));
      const stored = await nomad('GET', `/v1/acl/policy/${name}`);
      expect(stored.Rules).toBe(await new PolicyPage(page).rules.textContent());
      await nomad('DELETE', `/v1/acl/policy/${name}`);
    });
  }

  test('the delete confirmation lists the roles and tokens left pointing at the policy', async ({ page }) => {
    const s = suffix();
    const name = `e2e-used-${s}`;
    await createPolicy(name, 'node { policy = "read" }', '');
    const role = await createRole(`e2e-role-${s}`, [name]);
    const token = await createToken({ Name: `e2e-token-${s}`, Policies: [name] });
    const list = new PoliciesListPage(page);
    const policyPage = new PolicyPage(page);
    await signIn(page, demoSecret());
    await list.goto();
    await expect(list.cell(name, 2)).toHaveText('1');
    await expect(list.cell(name, 3)).toHaveText('1');
    await policyPage.goto(name);
    await expect(policyPage.roles).toContainText(`e2e-role-${s}`);
    await policyPage.startDelete();
    await expect(policyPage.deleteRoles).toContainText(`e2e-role-${s}`);
    await expect(policyPage.deleteTokens).toContainText(`e2e-token-${s}`);
    await expect(policyPage.deleteTokens).toContainText(token.AccessorID);
    await policyPage.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/policies\\?deleted=${name}$`));
    await list.goto('?missing=1');
    await expect(list.missingPolicies).toContainText(name);
    await nomad('DELETE', `/v1/acl/role/${role.ID}`);
    await nomad('DELETE', `/v1/acl/token/${token.AccessorID}`);
  });

  test('each row of the list links to Edit, and Delete opens the policy\'s confirmation, with or without JavaScript', async ({ page, browser }) => {
    const name = `e2e-row-${suffix()}`;
    await createPolicy(name, 'node { policy = "read" }', '');
    const list = new PoliciesListPage(page);
    const policyPage = new PolicyPage(page);
    await signIn(page, demoSecret());
    await list.goto();
    await list.edit(name);
    await expect(page).toHaveURL(new RegExp(`/policies/${name}/edit$`));
    await list.goto();
    await list.startDelete(name);
    await expect(page).toHaveURL(new RegExp(`/policies/${name}\\?delete=1#delete$`));
    await expect(policyPage.deletePanel).toHaveAttribute('open', '');
    await policyPage.confirmDelete(name);
    await expect(page).toHaveURL(new RegExp(`/policies\\?deleted=${name}$`));
    await expect(list.deletedNotice).toHaveText(`The policy ${name} was deleted.`);
    expect(await exists(name)).toBe(false);

    // Without JavaScript the same link opens the same confirmation, and its form posts.
    const other = `e2e-row-nojs-${suffix()}`;
    await createPolicy(other, 'node { policy = "read" }', '');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await signIn(plain, demoSecret());
    const plainList = new PoliciesListPage(plain);
    await plainList.goto();
    await plainList.startDelete(other);
    await expect(new PolicyPage(plain).deletePanel).toHaveAttribute('open', '');
    await new PolicyPage(plain).confirmDelete(other);
    await expect(plainList.deletedNotice).toHaveText(`The policy ${other} was deleted.`);
    expect(await exists(other)).toBe(false);
    await context.close();
  });

  test('user text shows as text, never as HTML', async ({ page }) => {
    const name = `e2e-html-${suffix()}`;
    const description = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const rules = '# <script>window.__pwned=1</script><i>x</i>\nnode {\n  policy = "read"\n}\n';
    await createPolicy(name, rules, description);
    const policyPage = new PolicyPage(page);
    await signIn(page, demoSecret());
    const pages = [`/policies?search=${name}`, `/policies/${name}`, `/policies/${name}/edit`];
    await expectTextNotMarkup(page, pages, 'main b, main i, main img');
    await policyPage.goto(name);
    await expect(policyPage.description).toHaveText(description);
    await expect(policyPage.rules).toHaveText(rules);
    await nomad('DELETE', `/v1/acl/policy/${name}`);
  });

  test('markup in a description stays text in the pickers and the delete confirmation; markup in ?opened= is ignored', async ({ page }) => {
    const name = `e2e-pick-html-${suffix()}`;
    const description = '</textarea><meta http-equiv="refresh" content="0;url=/sign-out"><img src=x onerror="window.__pwned=1"><b>bold</b>';
    await createPolicy(name, 'node { policy = "read" }', description);
    await signIn(page, demoSecret());
    const opened = encodeURIComponent('<script>window.__pwned=1</script>');
    const pages = ['/tokens/new', '/roles/new', `/policies/${name}?delete=1`, `/policies/${name}/edit?opened=${opened}`];
    await expectTextNotMarkup(page, pages, 'main b, main img, meta[http-equiv]');
    // The picker shows the description as its text.
    await page.goto('/tokens/new');
    await expect(page.getByTestId('picker-policies').locator(`li[data-value="${name}"]`)).toContainText(description);
    // Not a number: the editor posts the version it loaded.
    const stored = await nomad('GET', `/v1/acl/policy/${name}`);
    await page.goto(`/policies/${name}/edit?opened=${opened}`);
    await expect(page.locator('input[name="modify_index"]')).toHaveValue(String(stored.ModifyIndex));
    await nomad('DELETE', `/v1/acl/policy/${name}`);
  });

  for (const path of ['/policies', '/policies/new', '/policies/prometheus-scrape', '/policies/prometheus-scrape/edit']) {
    test(`${path} has no serious or critical axe violation`, async ({ page }) => {
      const name = `e2e-axe-${suffix()}`;
      await createPolicy(name, 'agent { policy = "read" }', 'axe');
      await signIn(page, demoSecret());
      await page.goto(path.replace('prometheus-scrape', name));
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await nomad('DELETE', `/v1/acl/policy/${name}`);
    });
  }
});
