import { Page } from '@playwright/test';

/** The "can it…?" question (a right in a namespace) and its answer, on the profile, a token's permissions and who-can. */
export class CanItForm {
  constructor(readonly page: Page) {}

  get right() {
    return this.page.getByLabel('Right', { exact: true });
  }
  get namespace() {
    return this.page.getByLabel('Namespace', { exact: true });
  }
  get answer() {
    return this.page.getByTestId('answer');
  }
  get verdict() {
    return this.page.getByTestId('answer-verdict');
  }
  /** The rule that decided. */
  get rule() {
    return this.page.getByTestId('answer-rule');
  }
  /** Where that rule comes from (policy, directly or via a role). */
  get sources() {
    return this.page.getByTestId('answer-sources');
  }

  async ask(right: string, namespace: string) {
    await this.right.selectOption(right);
    await this.namespace.fill(namespace);
    await this.page.getByRole('button', { name: 'Check' }).click();
  }
}
