import { Page } from '@playwright/test';
import { SaveRefusal } from './saveRefusal';
import { SelectorTester } from './selectorTester';

/** The binding rule form (new or edit): method, description, selector, bind type and name, and the tester. */
export class BindingRuleEditor {
  readonly tester: SelectorTester;
  readonly refusal: SaveRefusal;

  constructor(readonly page: Page) {
    this.tester = new SelectorTester(page);
    this.refusal = new SaveRefusal(page);
  }

  async gotoNew(authMethod: string) {
    return this.page.goto(`/binding-rules/new?auth_method=${authMethod}`);
  }
  async gotoEdit(id: string) {
    return this.page.goto(`/binding-rules/${id}/edit`);
  }

  get authMethod() {
    return this.page.getByLabel('Auth method');
  }
  /** The method, shown fixed when editing. */
  get fixedMethod() {
    return this.page.getByTestId('rule-method-fixed');
  }
  get description() {
    return this.page.getByLabel('Description (optional)');
  }
  get selector() {
    return this.page.getByLabel('Selector (optional)');
  }
  /** A bind type's radio button: role, policy or management. */
  bindType(type: 'role' | 'policy' | 'management') {
    return this.page.locator(`#rule-bind-type-${type}`);
  }
  get bindName() {
    return this.page.getByLabel('Bind name');
  }
  /** A note about the bind name (e.g. no role of that name exists). */
  get bindNameNote() {
    return this.page.getByTestId('bind-name-note');
  }
  get toManagementNote() {
    return this.page.getByTestId('to-management-note');
  }
  /** The messages at a field (`field`: bind-name, description, selector, method, …). */
  error(field: string) {
    return this.page.getByTestId(`${field}-error`);
  }
  /** What the answer to a save said at the field (announced), apart from the field's own checks. */
  serverError(field: string) {
    return this.error(field).getByRole('alert');
  }

  async create() {
    await this.page.getByRole('button', { name: 'Create binding rule' }).click();
  }
  async save() {
    await this.page.getByRole('button', { name: 'Save binding rule' }).click();
  }
}
