import { Page } from '@playwright/test';

/** The binding rules list, filtered by auth method or to dangling rules through the URL. */
export class BindingRulesListPage {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    return this.page.goto(`/binding-rules${query}`);
  }

  get rows() {
    return this.page.getByTestId('rule-row');
  }
  row(id: string) {
    return this.page.locator(`tr[data-rule-id="${id}"]`);
  }
  /** The mark on what a rule names that is gone (`what`: auth-method, role or policy). */
  dangling(id: string, what: string) {
    return this.row(id).locator(`[data-dangling="${what}"]`);
  }
  get count() {
    return this.page.getByTestId('rules-count');
  }
  get authMethod() {
    return this.page.getByLabel('Auth method');
  }
  get deletedNotice() {
    return this.page.getByTestId('rule-deleted');
  }

  async startDelete(description: string) {
    await this.page.getByRole('link', { name: `Delete binding rule ${description}` }).click();
  }
}
