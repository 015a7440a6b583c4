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
}
