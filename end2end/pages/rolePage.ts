import { Page } from '@playwright/test';

/** One role: its policies, the tokens that carry it, the CLI command, delete and a test token. */
export class RolePage {
  constructor(readonly page: Page) {}

  /** `query`: e.g. `?delete=1` to open the delete confirmation. */
  async goto(id: string, query = '') {
    return this.page.goto(`/roles/${id}${query}`);
  }

  get savedNotice() {
    return this.page.getByTestId('role-saved');
  }
  get name() {
    return this.page.getByTestId('role-name');
  }
  get id() {
    return this.page.getByTestId('role-id');
  }
  get description() {
    return this.page.getByTestId('role-description');
  }
  get policies() {
    return this.page.getByTestId('role-policies');
  }
  deletedPolicy(policy: string) {
    return this.policies.locator(`[data-deleted-policy="${policy}"]`);
  }
  get deletedPoliciesNote() {
    return this.page.getByTestId('deleted-policies-note');
  }
  get cli() {
    return this.page.getByTestId('role-cli');
  }
  get tokens() {
    return this.page.getByTestId('role-tokens');
  }
  get noTokens() {
    return this.page.getByTestId('role-tokens-empty');
  }
  /** The delete confirmation panel. */
  get deletePanel() {
    return this.page.getByTestId('delete-role');
  }

  /** Opens or closes the "Delete…" disclosure. */
  async toggleDelete() {
    await this.deletePanel.locator('summary').click();
  }

  async edit() {
    await this.page.getByRole('link', { name: 'Edit', exact: true }).click();
  }
  async confirmDelete(name: string) {
    await this.page.getByRole('button', { name: `Yes, delete role ${name}` }).click();
  }
  async createTestToken() {
    await this.page.getByTestId('create-test-token').click();
  }
}
