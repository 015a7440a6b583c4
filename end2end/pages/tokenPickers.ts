import { Page } from '@playwright/test';

/** The policy and role checklists of the token forms (create, edit). */
export class TokenPickers {
  constructor(readonly page: Page) {}

  get policies() {
    return this.page.getByTestId('picker-policies');
  }
  get roles() {
    return this.page.getByTestId('picker-roles');
  }
  policy(name: string) {
    return this.policies.getByLabel(name, { exact: true });
  }
  role(name: string) {
    return this.roles.getByLabel(name, { exact: true });
  }
  /** A picker's search box. */
  search(kind: 'policies' | 'roles') {
    return this.page.getByLabel(`Search ${kind}`, { exact: true });
  }
  /** "2 selected: ops, dev" under a picker's legend. */
  summary(kind: 'policies' | 'roles') {
    return this.page.getByTestId(`picker-${kind}`).locator(`#${kind}-summary`);
  }
  /** "No policy matches this search." */
  noMatch(kind: 'policies' | 'roles') {
    return this.page.getByTestId(`picker-${kind}`).getByText(/^No (policy|role) matches this search\.$/);
  }
  /** The message about the grants (none chosen, or Nomad's refusal). */
  get error() {
    return this.page.getByTestId('grants-error');
  }
}
