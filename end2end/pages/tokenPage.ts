import { Page } from '@playwright/test';
import { TokenPickers } from './tokenPickers';
import { SaveRefusal } from './saveRefusal';

/** One token: its facts, the secret (shown once, or revealed), the edit form, renewal and delete. */
export class TokenPage {
  readonly grants: TokenPickers;
  readonly refusal: SaveRefusal;

  constructor(readonly page: Page) {
    this.grants = new TokenPickers(page);
    this.refusal = new SaveRefusal(page);
  }

  async goto(accessor: string) {
    return this.page.goto(`/tokens/${accessor}`);
  }

  /** The accessor of the token shown, from the URL. */
  accessorFromUrl(): string {
    return this.page.url().match(/tokens\/([0-9a-f-]{36})/)![1];
  }

  get title() {
    return this.page.getByTestId('token-title');
  }
  get facts() {
    return this.page.getByTestId('token-facts');
  }
  /** The token's roles, deleted ones struck out. */
  get roles() {
    return this.page.getByTestId('roles');
  }
  get expires() {
    return this.page.getByTestId('expires');
  }
  /** The notice that shows a new token's secret, once. */
  get newSecret() {
    return this.page.getByTestId('new-secret');
  }
  get secretValue() {
    return this.page.getByTestId('secret-value');
  }
  /** The secret shown in the new-secret notice (or after a reveal without JavaScript). */
  async shownSecret(): Promise<string> {
    return (await this.secretValue.textContent())!.trim();
  }
  get revealedSecret() {
    return this.page.getByTestId('revealed-secret');
  }
  /** The CLI command that makes the same token. */
  get cli() {
    return this.page.getByTestId('cli');
  }
  get name() {
    return this.page.getByLabel('Name', { exact: true });
  }
  get renewForm() {
    return this.page.getByTestId('renew-form');
  }
  get deleteOld() {
    return this.page.getByTestId('delete-old');
  }
  get renewNote() {
    return this.page.getByTestId('renew-note');
  }
  get deleteButton() {
    return this.page.getByRole('button', { name: 'Delete token…' });
  }
  get selfDeleteWhy() {
    return this.page.getByTestId('self-delete-why');
  }

  async reveal() {
    await this.page.getByTestId('reveal').click();
  }
  async copySecret() {
    await this.page.getByRole('button', { name: 'Copy the secret' }).click();
  }
  async save() {
    await this.page.getByTestId('save-token').click();
  }
  /** A lifetime choice of the renew form, by its label ("24 hours", …). */
  renewLifetime(label: string) {
    return this.renewForm.getByLabel(label, { exact: true });
  }
  async renew() {
    await this.page.getByTestId('renew').click();
  }
  async delete() {
    await this.page.getByTestId('delete-token').click();
  }
  async openPermissions() {
    await this.page.getByRole('link', { name: 'Effective permissions' }).click();
  }
}
