import { Page } from '@playwright/test';

/** "Delete tokens": the confirmation naming every doomed token, then progress and report. */
export class DeleteTokensPage {
  constructor(readonly page: Page) {}

  async goto(query: string) {
    return this.page.goto(`/tokens/delete${query}`);
  }

  /** The tokens about to be deleted. */
  get doomed() {
    return this.page.getByTestId('doomed');
  }
  get nothingToDelete() {
    return this.page.getByTestId('nothing-to-delete');
  }
  get progress() {
    return this.page.getByTestId('delete-progress');
  }
  get report() {
    return this.page.getByTestId('delete-report');
  }
  get failures() {
    return this.page.getByTestId('delete-failures');
  }

  async confirm() {
    await this.page.getByTestId('confirm-delete').click();
  }
}
