import { expect, Page } from '@playwright/test';

/** "What these rules grant": the rights the rules give, area by area (the editor and a policy's page). */
export class PolicyPreview {
  constructor(readonly page: Page) {}

  /** The row of one area (`kind`: namespace, node, agent, …), for a label such as a namespace pattern. */
  grant(kind: string, label?: string) {
    return this.page
      .getByTestId('policy-preview')
      .locator(label === undefined ? `tr[data-grant="${kind}"]` : `tr[data-grant="${kind}"][data-label="${label}"]`);
  }
  /** Under a namespace rule: the existing namespaces it decides. */
  decides(label: string) {
    return this.grant('namespace', label).getByTestId('preview-decides');
  }
  /** Under a namespace rule that decides no existing namespace. */
  decidesNone(label: string) {
    return this.grant('namespace', label).getByTestId('preview-no-namespace');
  }
  get empty() {
    return this.page.getByTestId('preview-empty');
  }
  get invalid() {
    return this.page.getByTestId('preview-invalid');
  }

  /** The capabilities listed in a row, sorted (once the row shows). */
  async capabilities(kind: string, label: string): Promise<string[]> {
    const row = this.grant(kind, label);
    await expect(row).toBeVisible();
    return (await row.locator('td code.tag').allTextContents()).sort();
  }
}
