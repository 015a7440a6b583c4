import { expect, Page } from '@playwright/test';

/** The signed-in frame around every page: cluster, token menu, live marker, navigation, toasts. */
export class Header {
  constructor(readonly page: Page) {}

  get cluster() {
    return this.page.getByTestId('cluster');
  }
  get tokenMenu() {
    return this.page.locator('.profile-menu');
  }
  /** The signed-in token's name, in the token menu. */
  get tokenName() {
    return this.page.locator('.profile-menu .token-name');
  }
  /** The signed-in token's type (management or client), in the token menu. */
  get tokenType() {
    return this.page.locator('.profile-menu .badge');
  }
  get timeLeft() {
    return this.page.getByTestId('time-left');
  }
  get signOutForm() {
    return this.page.locator('form[action="/sign-out"]');
  }
  get mainNavigation() {
    return this.page.getByRole('navigation', { name: 'Main' });
  }
  get liveStatus() {
    return this.page.getByTestId('live-status');
  }
  /** "updated just now", beside the live marker, after a change arrived. */
  get liveUpdated() {
    return this.page.getByTestId('live-updated');
  }
  get toasts() {
    return this.page.getByTestId('toasts');
  }
  /** A new token's secret, shown once in a toast that stays until dismissed. */
  get toastSecret() {
    return this.toasts.getByTestId('toast-secret-value');
  }
  /** The link from that toast to the new token's page. */
  get toastTokenLink() {
    return this.toasts.getByRole('link', { name: 'Open the token' });
  }

  /** Sign out is always in sight in the header, not inside the token menu. */
  get signOutButton() {
    return this.signOutForm.getByRole('button', { name: 'Sign out' });
  }
  async signOut() {
    await this.signOutButton.click();
  }

  /** Follows a link of the main navigation. */
  async navigateTo(name: string) {
    await this.mainNavigation.getByRole('link', { name }).click();
  }

  /** The region the page shows, in the cluster line. */
  get currentRegion() {
    return this.page.getByTestId('current-region');
  }
  /** The region switcher (only in a federation). */
  get regionSwitcher() {
    return this.page.getByTestId('region-switcher');
  }
  /** Opens the switcher and follows the link to this page in `region`. */
  async switchRegion(region: string) {
    await this.regionSwitcher.locator('summary').click();
    await this.regionSwitcher.locator(`a[data-region="${region}"]`).click();
  }
  /** The message shown when the signed-in token is local to another region. */
  get regionElsewhere() {
    return this.page.getByTestId('region-elsewhere');
  }

  /** Waits until the live stream is open (the marker says so): changes from now on must arrive. */
  async waitUntilLive() {
    await expect(this.liveStatus).toHaveAttribute('data-state', 'on', { timeout: 15_000 });
  }
}
