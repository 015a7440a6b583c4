import { Page } from '@playwright/test';

/** The demo identity provider's sign-in page ("Sign in to the demo"), on its own origin. */
export class DemoIdentityProvider {
  constructor(readonly page: Page) {}

  get heading() {
    return this.page.getByRole('heading', { name: 'Sign in to the demo' });
  }
  /** The button that signs in as one of the demo's people (alice, bob, carol, dave). */
  user(name: string) {
    return this.page.locator(`button[data-user="${name}"]`);
  }

  async signInAs(name: string) {
    await this.user(name).click();
  }
  async cancel() {
    await this.page.getByRole('button', { name: /^Cancel/ }).click();
  }
}
