import { Page } from '@playwright/test';

/** The overview ("Access Control"): counts of every kind and the health checks. */
export class OverviewPage {
  constructor(readonly page: Page, readonly origin = '') {}

  async goto() {
    return this.page.goto(`${this.origin}/`);
  }

  get heading() {
    return this.page.getByRole('heading', { name: 'Access Control' });
  }
  /** The health list's line about deleted roles tokens still link to. */
  get missingRoles() {
    return this.page.getByTestId('missing-roles');
  }
  /** The count of one kind: tokens, roles, policies, auth-methods or binding-rules. */
  count(kind: string) {
    return this.page.getByTestId(`count-${kind}`);
  }
  get expiredTokensLink() {
    return this.page.getByRole('link', { name: /expired tokens?$/ });
  }
  get unusedRolesLink() {
    return this.page.locator('main a[href="/roles?unused=1"]');
  }
  /** The line on replication, in a federation; `data-in-sync` says whether every region matches. */
  get replication() {
    return this.page.getByTestId('overview-replication');
  }
  get missingPolicies() {
    return this.page.getByTestId('missing-policies');
  }
  get healthNeedsManagement() {
    return this.page.getByText('The health checks need a management token');
  }
  /** The message when Nomad does not answer. */
  get alert() {
    return this.page.getByRole('alert');
  }
}
