import { Page } from '@playwright/test';

/** "Page not found", for any unknown URL. */
export class NotFoundPage {
  constructor(readonly page: Page) {}

  get heading() {
    return this.page.getByRole('heading', { name: 'Page not found' });
  }
  get overviewLink() {
    return this.page.getByRole('link', { name: 'Go to the overview' });
  }

  /** The panel of an object that does not exist (a deleted token, role, policy...). */
  get missingObject() {
    return this.page.getByTestId('not-found');
  }
  /** Its way back: "All roles", "All tokens"... */
  backToList(label: string) {
    return this.missingObject.getByRole('link', { name: `All ${label}` });
  }
}
