import { Page } from '@playwright/test';
import { SelectorTester } from './selectorTester';

/** One binding rule: what it binds, its CLI command, the selector tester, delete. */
export class BindingRulePage {
  readonly tester: SelectorTester;

  constructor(readonly page: Page) {
    this.tester = new SelectorTester(page);
  }

  /** `query`: e.g. `?delete=1` to open the delete confirmation. */
  async goto(id: string, query = '') {
    return this.page.goto(`/binding-rules/${id}${query}`);
  }

  get savedNotice() {
    return this.page.getByTestId('rule-saved');
  }
  get id() {
    return this.page.getByTestId('rule-id');
  }
  get title() {
    return this.page.getByTestId('rule-title');
  }
  get description() {
    return this.page.getByTestId('rule-description');
  }
  get bindType() {
    return this.page.getByTestId('rule-bind-type');
  }
  get bindName() {
    return this.page.getByTestId('rule-bind-name');
  }
  get cli() {
    return this.page.getByTestId('rule-cli');
  }
  /** Said when the rule's auth method is gone. */
  get danglingMethod() {
    return this.page.getByTestId('dangling-method');
  }
  /** Said when the role or policy the rule binds does not exist. */
  get danglingTarget() {
    return this.page.getByTestId('dangling-target');
  }
  get deletePanel() {
    return this.page.getByTestId('delete-rule');
  }

  async edit() {
    await this.page.getByRole('link', { name: 'Edit', exact: true }).click();
  }
  async confirmDelete(description: string) {
    await this.page.getByRole('button', { name: `Yes, delete binding rule ${description}` }).click();
  }
}
