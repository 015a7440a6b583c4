import { expect, Page } from '@playwright/test';
import { Header } from './header';

/** The sign-in page: the Secret ID form, single sign-on buttons and the bootstrap of a new cluster. */
export class SignInPage {
  /** `origin`: the console's URL when it is not the run's shared one (its own console). */
  constructor(readonly page: Page, readonly origin = '') {}

  async goto(query = '') {
    return this.page.goto(`${this.origin}/sign-in${query}`);
  }

  get heading() {
    return this.page.getByRole('heading', { name: 'Sign in' });
  }
  get secretId() {
    return this.page.getByLabel('Secret ID');
  }
  get signInButton() {
    return this.page.getByRole('button', { name: 'Sign in' });
  }
  get showSecret() {
    return this.page.getByRole('button', { name: 'Show' });
  }
  get hideSecret() {
    return this.page.getByRole('button', { name: 'Hide' });
  }
  /** The message next to the Secret ID field. */
  get error() {
    return this.page.getByTestId('sign-in-error');
  }
  get signedOutNotice() {
    return this.page.getByRole('status').filter({ hasText: 'You are signed out.' });
  }
  get sessionEnded() {
    return this.page.getByTestId('session-ended');
  }
  get nomadDown() {
    return this.page.getByTestId('nomad-down');
  }
  /** The single sign-on section. */
  get sso() {
    return this.page.getByTestId('sso');
  }
  /** The single sign-on buttons, in order. */
  get ssoButtons() {
    return this.sso.getByTestId('sso-button');
  }
  /** One OIDC method: its button and notes (a form, or why Nomad cannot start it now). */
  ssoMethod(method: string) {
    return this.sso.locator(`[data-method="${method}"]`);
  }
  /** The methods Nomad cannot start a sign-in with, each saying why, up front. */
  get ssoUnavailable() {
    return this.sso.getByTestId('sso-unavailable');
  }
  /** The note naming the JWT methods. */
  get ssoJwt() {
    return this.sso.getByTestId('sso-jwt');
  }
  ssoButton(method: string) {
    return this.sso.getByRole('button', { name: `Continue with ${method}` });
  }
  get ssoError() {
    return this.page.getByTestId('sso-error');
  }
  /** The JWT method chooser (with several JWT methods) and the hint (with one). */
  get jwtMethod() {
    return this.page.getByTestId('jwt-method');
  }
  get jwtHint() {
    return this.page.getByTestId('jwt-hint');
  }

  /** Types a Secret ID (or a JWT) and submits the form. */
  async submit(secret: string) {
    await this.secretId.fill(secret);
    await this.signInButton.click();
  }

  /** Opens the page, signs in and waits for the signed-in frame. */
  async signIn(secret: string) {
    await this.goto();
    await this.submit(secret);
    await expect(new Header(this.page).signOutForm).toBeAttached();
  }

  async continueWith(method: string) {
    await this.ssoButton(method).click();
  }

  async bootstrap() {
    await this.page.getByText('New cluster? Bootstrap the ACL system').click();
    await this.page.getByRole('button', { name: 'Bootstrap ACL system' }).click();
  }
}

/** Signs in through the form, as a person would (`origin`: another console than the shared one). */
export const signIn = (page: Page, secret: string, origin = '') => new SignInPage(page, origin).signIn(secret);
