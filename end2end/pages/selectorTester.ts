import { Page } from '@playwright/test';

/** "Test the selector": sample claims against a binding rule's selector (a rule's page and the editor). */
export class SelectorTester {
  constructor(readonly page: Page) {}

  get claims() {
    return this.page.getByLabel('Claims (JSON)');
  }
  /** The outcome, in its `data-outcome` (match, no-match, selector-error, claims-error). */
  get verdict() {
    return this.page.getByTestId('tester-verdict');
  }
  get detail() {
    return this.page.getByTestId('tester-detail');
  }
  /** The claims as mapped to selector variables. */
  get mapped() {
    return this.page.getByTestId('tester-mapped');
  }
  /** The mapped claims the login lacks. */
  get absent() {
    return this.page.getByTestId('tester-absent');
  }
  /** The variables selectors can use with the rule's method. */
  get variables() {
    return this.page.getByTestId('tester-variables');
  }
  /** Said when the selector changed since the last test. */
  get stale() {
    return this.page.getByTestId('tester-stale');
  }

  async test() {
    await this.page.getByRole('button', { name: 'Test the selector' }).click();
  }
  async testClaims(claims: string) {
    await this.claims.fill(claims);
    await this.test();
  }
}
