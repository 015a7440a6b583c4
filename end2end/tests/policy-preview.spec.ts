import { test, expect } from '@playwright/test';
import { createPolicy, demoSecret, nomad, suffix } from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { PolicyEditor } from '../pages/policyEditor';
import { PolicyPage } from '../pages/policyPage';
import { signIn } from '../pages/signInPage';

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

test.describe('policy preview', () => {
  test('the editor shows what the rules grant and follows the typing', async ({ page }) => {
    const editor = new PolicyEditor(page);
    const preview = editor.preview;
    await signIn(page, demoSecret());
    await editor.gotoNew();
    await hydrated(page);
    await expect(preview.empty).toBeVisible();
    const rules = editor.rules;
    await rules.fill('namespace "default" {\n  policy = "read"\n}\n\nnode {\n  policy = "write"\n}\n');
    await expect(preview.grant('namespace', 'default')).toBeVisible();
    expect(await preview.capabilities('namespace', 'default')).toEqual(NAMESPACE_READ);
    await expect(preview.grant('node')).toHaveText(/read and write/);
    await expect(preview.grant('agent')).toContainText('nothing');

    // One more block while typing: a glob namespace with one capability and variables.
    await rules.fill(
      'namespace "default" {\n  policy = "read"\n}\n\nnode {\n  policy = "write"\n}\n\n' +
        'namespace "team-*" {\n  capabilities = ["submit-job"]\n  variables {\n    path "app/*" {\n      capabilities = ["read", "list"]\n    }\n  }\n}\n',
    );
    await expect(preview.grant('namespace', 'team-*')).toBeVisible();
    expect(await preview.capabilities('namespace', 'team-*')).toEqual(['submit-job']);
    expect(await preview.capabilities('variables', 'team-*:app/*')).toEqual(['list', 'read']);

    // Rules that do not parse: the preview says so instead of guessing.
    await rules.fill('node {\n  policy = "bogus"\n}\n');
    await expect(preview.invalid).toBeVisible();
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
    await createPolicy(name, rules);
    const policyPage = new PolicyPage(page);
    const preview = policyPage.preview;
    await signIn(page, demoSecret());
    await policyPage.goto(name);
    await expect(preview.grant('namespace', '*')).toContainText('denied');
    const prod = await preview.capabilities('namespace', 'prod');
    for (const c of ['submit-job', 'dispatch-job', 'alloc-exec', 'read-logs', ...NAMESPACE_READ]) expect(prod).toContain(c);
    expect(await preview.capabilities('node_pool', 'gpu')).toEqual(['read']);
    expect(await preview.capabilities('host_volume', 'data-*')).toEqual(['mount-readonly', 'mount-readwrite']);
    await expect(preview.grant('agent')).toHaveText(/read$/);
    await expect(preview.grant('node')).toContainText('nothing');
    await expect(preview.grant('operator')).toContainText('denied');
    await expect(preview.grant('quota')).toContainText('read and write');
    await expect(preview.grant('plugin')).toContainText('list plugins');
    await nomad('DELETE', `/v1/acl/policy/${name}`);
  });
});
