import { Page } from '@playwright/test';

/** The namespaces list. */
export class NamespacesListPage {
  constructor(readonly page: Page, readonly origin = '') {}

  async goto(query = '') {
    return this.page.goto(`${this.origin}/namespaces${query}`);
  }

  get table() {
    return this.page.getByTestId('namespaces-table');
  }
  row(name: string) {
    return this.page.locator(`tr[data-namespace="${name}"]`);
  }
  /** How many unexpired tokens reach the namespace, in its row. */
  tokens(name: string) {
    return this.row(name).getByTestId('namespace-tokens');
  }
  roles(name: string) {
    return this.row(name).getByTestId('namespace-roles');
  }
  get createButton() {
    return this.page.getByRole('link', { name: 'Create namespace' });
  }
  get deletedNotice() {
    return this.page.getByTestId('namespace-deleted');
  }
}
