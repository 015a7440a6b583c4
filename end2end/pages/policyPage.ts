import { Page } from '@playwright/test';
import { PolicyPreview } from './policyPreview';

/** One policy: description, rules, what they grant, who uses it, delete and a test token. */
export class PolicyPage {
  readonly preview: PolicyPreview;

  constructor(readonly page: Page) {
    this.preview = new PolicyPreview(page);
  }

  async goto(name: string) {
    return this.page.goto(`/policies/${name}`);
  }

  get savedNotice() {
    return this.page.getByTestId('policy-saved');
  }
  get description() {
    return this.page.getByTestId('policy-description');
  }
  get rules() {
    return this.page.getByTestId('policy-rules');
  }
  get roles() {
    return this.page.getByTestId('policy-roles');
  }
  get tokens() {
    return this.page.getByTestId('policy-tokens');
  }
  /** In the delete confirmation: the roles and tokens left naming the policy. */
  get deleteRoles() {
    return this.page.getByTestId('delete-roles');
  }
  get deleteTokens() {
    return this.page.getByTestId('delete-tokens');
  }

  async edit() {
    await this.page.getByRole('link', { name: 'Edit' }).click();
  }
  /** The delete confirmation (a disclosure, open or closed). */
  get deletePanel() {
    return this.page.getByTestId('delete-policy');
  }
  /** Opens the delete confirmation. */
  async startDelete() {
    await this.page.getByText('Delete…').click();
  }
  async confirmDelete(name: string) {
    await this.page.getByRole('button', { name: `Yes, delete policy ${name}` }).click();
  }
  async createTestToken() {
    await this.page.getByTestId('create-test-token').click();
  }
}
