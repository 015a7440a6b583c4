import { Page } from '@playwright/test';

/** The auth methods list. */
export class AuthMethodsListPage {
  constructor(readonly page: Page) {}

  async goto(query = '') {
    return this.page.goto(`/auth-methods${query}`);
  }

  row(name: string) {
    return this.page.locator(`tr[data-method="${name}"]`);
  }
  get deletedNotice() {
    return this.page.getByTestId('method-deleted');
  }

  /**
   * Opens a method's delete confirmation from its row's link. The list refreshes live
   * as other specs add and delete methods, which can move the rows under a pointer
   * click (a CI run landed on okta's link, the next row): the click is dispatched on
   * the link itself instead.
   */
  async startDelete(name: string) {
    await this.page.getByRole('link', { name: `Delete auth method ${name}` }).dispatchEvent('click');
  }
}
