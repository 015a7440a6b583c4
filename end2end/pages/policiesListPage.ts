import { Page } from '@playwright/test';

/** The policies list. */
export class PoliciesListPage {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    return this.page.goto(`/policies${query}`);
  }

  get heading() {
    return this.page.getByRole('heading', { level: 1 });
  }
  get table() {
    return this.page.getByTestId('policies-table');
  }
  row(name: string) {
    return this.page.locator(`tr[data-policy="${name}"]`);
  }
  /** The n-th cell (from 0) of a policy's row. */
  cell(name: string, n: number) {
    return this.row(name).locator('td').nth(n);
  }
  /** The row's "Delete…" link, which opens the policy's confirmation. */
  async startDelete(name: string) {
    await this.row(name).getByRole('link', { name: `Delete policy ${name}` }).click();
  }
  /** The row's "Edit" link. */
  async edit(name: string) {
    await this.row(name).getByRole('link', { name: `Edit policy ${name}` }).click();
  }
  get deletedNotice() {
    return this.page.getByTestId('policy-deleted');
  }
  /** Policies that tokens or roles name but that do not exist (`?missing=1`). */
  get missingPolicies() {
    return this.page.getByTestId('missing-policies');
  }
  get main() {
    return this.page.locator('main');
  }
}
