import { Page } from '@playwright/test';
import { CanItForm } from './canItForm';

/** "Who can": the tokens, roles and expired tokens that hold a right in a namespace. */
export class WhoCanPage {
  readonly question: CanItForm;

  constructor(readonly page: Page) {
    this.question = new CanItForm(page);
  }

  async goto(query = '') {
    return this.page.goto(`/who-can${query}`);
  }

  get tokens() {
    return this.page.getByTestId('who-tokens');
  }
  get roles() {
    return this.page.getByTestId('who-roles');
  }
  get expired() {
    return this.page.getByTestId('who-expired');
  }
  /** "in every namespace": the right in each existing namespace, not one. */
  get everyNamespace() {
    return this.page.getByTestId('who-every');
  }
  /** The question's problem, at the namespace field. */
  get namespaceError() {
    return this.page.getByTestId('who-namespace-error');
  }
  get stats() {
    return this.page.getByTestId('who-can-stats');
  }
  /** A holder's row (token accessor or role ID) in one of the sections. */
  tokenHolder(accessor: string) {
    return this.tokens.locator(`[data-testid="holder"][data-id="${accessor}"]`);
  }
  roleHolder(id: string) {
    return this.roles.locator(`[data-testid="holder"][data-id="${id}"]`);
  }
  expiredHolder(accessor: string) {
    return this.expired.locator(`[data-testid="holder"][data-id="${accessor}"]`);
  }
  /** Any element of the tokens section for that ID (to prove one is absent). */
  inTokens(id: string) {
    return this.tokens.locator(`[data-id="${id}"]`);
  }
}
