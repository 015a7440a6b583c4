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
  /** The message about the grants (none chosen, or Nomad's refusal). */
  get error() {
    return this.page.getByTestId('grants-error');
  }
}
