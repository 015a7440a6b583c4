import { Page } from '@playwright/test';

/** One namespace: its fields, who can do what in it, the policies with a rule for it, Delete. */
export class NamespacePage {
  constructor(readonly page: Page, readonly origin = '') {}

  async goto(name: string, query = '') {
    return this.page.goto(`${this.origin}/namespaces/${encodeURIComponent(name)}${query}`);
  }

  get title() {
    return this.page.getByTestId('namespace-title');
  }
  get description() {
    return this.page.getByTestId('namespace-description');
  }
  get meta() {
    return this.page.getByTestId('namespace-meta');
  }
  get savedNotice() {
    return this.page.getByTestId('namespace-saved');
  }
  get editLink() {
    return this.page.getByRole('link', { name: 'Edit', exact: true });
  }
  /** A token's row in "who can do what here" (unexpired tokens). */
  tokenAccess(name: string) {
    return this.page.getByTestId('access-tokens').locator('tr').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }
  roleAccess(name: string) {
    return this.page.getByTestId('access-roles').locator('tr').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }
  get policies() {
    return this.page.getByTestId('namespace-policies');
  }
  get deletePanel() {
    return this.page.getByTestId('delete-namespace');
  }
  get defaultCannotBeDeleted() {
    return this.page.getByTestId('delete-namespace-default');
  }
  get deletePolicies() {
    return this.page.getByTestId('delete-policies');
  }
  async openDelete() {
    await this.deletePanel.locator('summary').click();
  }
  async confirmDelete(name: string) {
    await this.page.getByRole('button', { name: `Yes, delete namespace ${name}` }).click();
  }
}
