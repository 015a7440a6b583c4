import { Page } from '@playwright/test';

/** "Not saved" above an editor: a refusal that is not about one field (a change made
 *  elsewhere, Nomad down) and, after a change made elsewhere, the choice to overwrite it. */
export class SaveRefusal {
  constructor(readonly page: Page) {}

  get panel() {
    return this.page.getByTestId('save-error');
  }
  /** Offered after a save met a change made elsewhere: save over it on purpose. */
  get overwrite() {
    return this.page.getByLabel('Overwrite the other change');
  }
  get reload() {
    return this.page.getByTestId('reload');
  }
}
