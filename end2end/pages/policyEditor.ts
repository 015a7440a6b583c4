import { Page } from '@playwright/test';
import { PolicyPreview } from './policyPreview';
import { SaveRefusal } from './saveRefusal';

/** The policy form (new or edit): name, description, rules checked as typed, presets, preview. */
export class PolicyEditor {
  readonly preview: PolicyPreview;
  readonly refusal: SaveRefusal;

  constructor(readonly page: Page) {
    this.preview = new PolicyPreview(page);
    this.refusal = new SaveRefusal(page);
  }

  async gotoNew() {
    return this.page.goto('/policies/new');
  }
  async gotoEdit(name: string) {
    return this.page.goto(`/policies/${name}/edit`);
  }

  get name() {
    return this.page.getByLabel('Name', { exact: true });
  }
  get nameError() {
    return this.page.getByTestId('name-error');
  }
  get description() {
    return this.page.getByLabel('Description (optional)');
  }
  get rules() {
    return this.page.getByLabel('Rules');
  }
  get rulesOk() {
    return this.page.getByTestId('rules-ok');
  }
  /** The rules' problem, at its line (checked in the browser, or server-rendered). */
  get rulesError() {
    return this.page.getByTestId('rules-error');
  }
  /** Nomad's refusal of the rules, after a post without JavaScript. */
  get rulesServerError() {
    return this.page.getByTestId('rules-server-error');
  }
  /** The namespace and variables path the presets use. */
  get presetNamespace() {
    return this.page.getByLabel('Namespace (developer, variables reader)');
  }
  get presetVariablesPath() {
    return this.page.getByLabel('Variables path (variables reader)');
  }

  async usePreset(label: string) {
    await this.page.getByRole('button', { name: label, exact: true }).click();
  }
  async create() {
    await this.page.getByRole('button', { name: 'Create policy' }).click();
  }
  async save() {
    await this.page.getByRole('button', { name: 'Save policy' }).click();
  }
  /** Saves from the rules box with Ctrl+Enter. */
  async saveWithKeyboard() {
    await this.rules.press('Control+Enter');
  }
}
