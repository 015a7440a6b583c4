import { test, expect, Page } from '@playwright/test';
import { demoSecret, nomad, signIn, suffix } from '../support/nomad';

// Loading and starting the wasm can take a while on a busy machine (a debug build is large).
const hydrated = (page: Page) => expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
const grant = (page: Page, kind: string, label?: string) =>
  page.getByTestId('policy-preview').locator(label === undefined ? `tr[data-grant="${kind}"]` : `tr[data-grant="${kind}"][data-label="${label}"]`);

// `policy = "read"` on a namespace expands to exactly these (Nomad's expandNamespacePolicy).
const NAMESPACE_READ = [
  'csi-list-volume',
  'csi-read-volume',
  'host-volume-read',
  'list-jobs',
  'list-scaling-policies',
  'parse-job',
  'read-job',
  'read-job-scaling',
  'read-scaling-policy',
];

async function capabilities(page: Page, kind: string, label: string): Promise<string[]> {
  const row = grant(page, kind, label);
  await expect(row).toBeVisible();
  return (await row.locator('td code.tag').allTextContents()).sort();
}

test.describe('policy preview', () => {
  test('the editor shows what the rules grant and follows the typing', async ({ page }) => {
    await signIn(page, demoSecret());
    await page.goto('/policies/new');
    await hydrated(page);
    await expect(page.getByTestId('preview-empty')).toBeVisible();
    const rules = page.getByLabel('Rules');
    await rules.fill('namespace "default" {\n  policy = "read"\n}\n\nnode {\n  policy = "write"\n}\n');
    await expect(grant(page, 'namespace', 'default')).toBeVisible();
    expect(await capabilities(page, 'namespace', 'default')).toEqual(NAMESPACE_READ);
    await expect(grant(page, 'node')).toHaveText(/read and write/);
    await expect(grant(page, 'agent')).toContainText('nothing');

    // One more block while typing: a glob namespace with one capability and variables.
    await rules.fill(
      'namespace "default" {\n  policy = "read"\n}\n\nnode {\n  policy = "write"\n}\n\n' +
        'namespace "team-*" {\n  capabilities = ["submit-job"]\n  variables {\n    path "app/*" {\n      capabilities = ["read", "list"]\n    }\n  }\n}\n',
    );
    await expect(grant(page, 'namespace', 'team-*')).toBeVisible();
    expect(await capabilities(page, 'namespace', 'team-*')).toEqual(['submit-job']);
    expect(await capabilities(page, 'variables', 'team-*:app/*')).toEqual(['list', 'read']);

    // Rules that do not parse: the preview says so instead of guessing.
    await rules.fill('node {\n  policy = "bogus"\n}\n');
    await expect(page.getByTestId('preview-invalid')).toBeVisible();
  });

  test('the detail page lists the rights of a stored policy, area by area', async ({ page }) => {
    const name = `e2e-preview-${suffix()}`;
    const rules = [
      'namespace "*" {',
      '  policy = "deny"',
      '}',
      'namespace "prod" {',
      '  policy = "write"',
      '}',
      'node_pool "gpu" {',
      '  policy = "read"',
      '}',
      'host_volume "data-*" {',
      '  policy = "write"',
      '}',
      'agent {',
      '  policy = "read"',
      '}',
      'operator {',
      '  policy = "deny"',
      '}',
      'quota {',
      '  policy = "write"',
      '}',
      'plugin {',
      '  policy = "list"',
      '}',
      '',
    ].join('\n');
    await nomad('PUT', `/v1/acl/policy/${name}`, { Name: name, Rules: rules });
    await signIn(page, demoSecret());
    await page.goto(`/policies/${name}`);
    await expect(grant(page, 'namespace', '*')).toContainText('denied');
    const prod = await capabilities(page, 'namespace', 'prod');
    for (const c of ['submit-job', 'dispatch-job', 'alloc-exec', 'read-logs', ...NAMESPACE_READ]) expect(prod).toContain(c);
    expect(await capabilities(page, 'node_pool', 'gpu')).toEqual(['read']);
    expect(await capabilities(page, 'host_volume', 'data-*')).toEqual(['mount-readonly', 'mount-readwrite']);
    await expect(grant(page, 'agent')).toHaveText(/read$/);
    await expect(grant(page, 'node')).toContainText('nothing');
    await expect(grant(page, 'operator')).toContainText('denied');
    await expect(grant(page, 'quota')).toContainText('read and write');
    await expect(grant(page, 'plugin')).toContainText('list plugins');
    await nomad('DELETE', `/v1/acl/policy/${name}`);
  });
});
