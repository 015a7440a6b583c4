import { Page } from '@playwright/test';

/** One auth method: its settings (never the client secret), callback check, binding rules, delete. */
export class AuthMethodPage {
  constructor(readonly page: Page) {}

  /** `query`: e.g. `?delete=1` to open the delete confirmation. */
  async goto(name: string, query = '') {
    return this.page.goto(`/auth-methods/${name}${query}`);
  }

  get savedNotice() {
    return this.page.getByTestId('method-saved');
  }
  get clientSecret() {
    return this.page.getByTestId('method-client-secret');
  }
  get maxTokenTtl() {
    return this.page.getByTestId('method-ttl');
  }
  get locality() {
    return this.page.getByTestId('method-locality');
  }
  get scopes() {
    return this.page.getByTestId('method-scopes');
  }
  get jwksUrl() {
    return this.page.getByTestId('method-jwks-url');
  }
  get claims() {
    return this.page.getByTestId('method-claims');
  }
  get noRules() {
    return this.page.getByTestId('method-no-rules');
  }
  /** Whether this console's callback is an allowed redirect URI. */
  get callback() {
    return this.page.getByTestId('method-callback');
  }
  /** In the delete confirmation: the binding rules that name the method. */
  get deleteRules() {
    return this.page.getByTestId('delete-rules');
  }

  async edit() {
    await this.page.getByRole('link', { name: 'Edit', exact: true }).click();
  }
  async confirmDelete(name: string) {
    await this.page.getByRole('button', { name: `Yes, delete auth method ${name}` }).click();
  }
}
