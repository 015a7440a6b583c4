import { Page } from '@playwright/test';
import { TokenPickers } from './tokenPickers';

/** "New token": name, type, grants and lifetime. */
export class NewTokenPage {
  readonly grants: TokenPickers;

  constructor(readonly page: Page) {
    this.grants = new TokenPickers(page);
  }

  async goto() {
    return this.page.goto('/tokens/new');
  }

  get name() {
    return this.page.getByLabel('Name', { exact: true });
  }
  get nameError() {
    return this.page.getByTestId('name-error');
  }
  /** A lifetime choice by its label: "1 hour", "Never", "Custom duration", … */
  expiry(label: string) {
    return this.page.getByLabel(label, { exact: true });
  }
  get customDuration() {
    return this.page.getByLabel('Custom duration');
  }
  get duration() {
    return this.page.getByLabel('Duration', { exact: true });
  }
  get customDateTime() {
    return this.page.getByLabel('Custom date and time');
  }
  get expiresAt() {
    return this.page.getByLabel('Expires at');
  }
  get timeZone() {
    return this.page.getByTestId('time-zone');
  }
  get expiryError() {
    return this.page.getByTestId('create-expiry-error');
  }
  /** "Local: … only" (this region) or "Global: …" (authoritative region, replicated). */
  get local() {
    return this.page.getByLabel(/Local: (region .+|this region) only/);
  }
  get global() {
    return this.page.getByLabel(/Global: created in the authoritative region/);
  }
  get management() {
    return this.page.getByLabel('Management: every permission');
  }
  get managementNote() {
    return this.page.getByTestId('management-note');
  }

  /** Fills the name and ticks one policy, the minimum for a client token. */
  async fillMinimum(name: string, policy: string) {
    await this.name.fill(name);
    await this.grants.policy(policy).check();
  }
  async create() {
    await this.page.getByTestId('create-token').click();
  }
}
