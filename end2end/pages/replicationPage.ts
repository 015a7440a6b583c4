import { Page } from '@playwright/test';

/** "Replication": each region against the authoritative one. */
export class ReplicationPage {
  /** `origin`: the console's URL when it is not the run's shared one (its own console). */
  constructor(readonly page: Page, readonly origin = '') {}

  async goto(query = '') {
    return this.page.goto(`${this.origin}/replication${query}`);
  }

  get source() {
    return this.page.getByTestId('replication-source');
  }
  /** The row of a non-authoritative region; `data-in-sync` says whether it matches. */
  region(name: string) {
    return this.page.locator(`[data-testid="replication-region"][data-region="${name}"]`);
  }
  get single() {
    return this.page.getByTestId('replication-single');
  }
}
