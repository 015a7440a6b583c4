import { Page } from '@playwright/test';
import { SaveRefusal } from './saveRefusal';

/** The namespace editor (create and edit). */
export class NamespaceEditor {
  readonly refusal: SaveRefusal;

  constructor(readonly page: Page, readonly origin = '') {
    this.refusal = new SaveRefusal(page);
  }

  async gotoNew() {
    return this.page.goto(`${this.origin}/namespaces/new`);
  }
  async gotoEdit(name: string) {
    return this.page.goto(`${this.origin}/namespaces/${encodeURIComponent(name)}/edit`);
  }

  get name() {
    return this.page.getByLabel('Name', { exact: true });
  }
  get description() {
    return this.page.getByLabel('Description (optional)', { exact: true });
  }
  get enabledDrivers() {
    return this.page.getByLabel('Enabled task drivers');
  }
  get meta() {
    return this.page.getByLabel('Meta', { exact: true });
  }
  /** The messages under a field, by its id (`namespace-name`, `namespace-meta`, ...). */
  errorsOf(id: string) {
    return this.page.locator(`#${id}-error .field-error`);
  }
  async create() {
    await this.page.getByRole('button', { name: 'Create namespace' }).click();
  }
  async save() {
    await this.page.getByRole('button', { name: 'Save namespace' }).click();
  }
}
