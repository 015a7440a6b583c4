import { Page } from '@playwright/test';

/** "ACL system bootstrapped": the new management token's secret, shown once after the bootstrap. */
export class BootstrappedPage {
  constructor(readonly page: Page) {}

  get heading() {
    return this.page.getByRole('heading', { name: 'ACL system bootstrapped' });
  }
  get secret() {
    return this.page.getByTestId('bootstrap-secret');
  }
  /** The warning that the secret will not be shown again. */
  get warning() {
    return this.page.getByRole('alert');
  }
  /** Shown instead, on a later visit. */
  get nothingToShow() {
    return this.page.getByRole('heading', { name: 'Nothing to show' });
  }
}
