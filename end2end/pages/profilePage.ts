import { Page } from '@playwright/test';
import { CanItForm } from './canItForm';

/** "Your token": the signed-in token, its policies' rules, and the can-it question. */
export class ProfilePage {
  readonly canIt: CanItForm;

  constructor(readonly page: Page, readonly origin = '') {
    this.canIt = new CanItForm(page);
  }

  async goto(query = '') {
    return this.page.goto(`${this.origin}/profile${query}`);
  }

  get heading() {
    return this.page.getByRole('heading', { name: 'Your token' });
  }
  get name() {
    return this.page.getByTestId('profile-name');
  }
  get accessor() {
    return this.page.locator('.facts dd.secret-row code').first();
  }
  get revealedSecret() {
    return this.page.getByTestId('revealed-secret');
  }
  /** The rules of one of the token's policies. */
  policyRules(policy: string) {
    return this.page.locator(`#policy-${policy} pre`);
  }
  get allPermissions() {
    return this.page.getByTestId('all-permissions');
  }

  async reveal() {
    await this.page.getByRole('button', { name: 'Reveal' }).click();
  }
  async copyAccessor() {
    await this.page.getByRole('button', { name: 'Copy the accessor ID' }).click();
  }
  async openPermissions() {
    await this.page.getByTestId('permissions-link').click();
  }
}
