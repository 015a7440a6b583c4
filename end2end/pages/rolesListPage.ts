import { Page } from '@playwright/test';

/** The roles list. */
export class RolesListPage {
  /** `origin`: the console's URL when it is not the run's shared one (its own console). */
  constructor(readonly page: Page, readonly origin = '') {}

  async goto(query = '') {
    return this.page.goto(`${this.origin}/roles${query}`);
  }

  get table() {
    return this.page.getByTestId('roles-table');
  }
  get rows() {
    return this.page.getByTestId('role-row');
  }
  row(name: string) {
    return this.page.locator(`tr[data-role="${name}"]`);
  }
  /** The n-th cell (from 0) of a role's row. */
  cell(name: string, n: number) {
    return this.row(name).locator('td').nth(n);
  }
  /** A policy the role names that no longer exists, in its row. */
  deletedPolicy(name: string, policy: string) {
    return this.row(name).locator(`[data-deleted-policy="${policy}"]`);
  }
  get search() {
    return this.page.getByLabel('Search by name, description or policy');
  }
  get unusedOnly() {
    return this.page.getByLabel('Only roles no token carries');
  }
  get empty() {
    return this.page.getByTestId('roles-empty');
  }
  get deletedNotice() {
    return this.page.getByTestId('role-deleted');
  }

  async startDelete(name: string) {
    await this.row(name).getByRole('link', { name: `Delete role ${name}` }).click();
  }
}
