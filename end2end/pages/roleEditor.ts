import { Page } from '@playwright/test';
import { SaveRefusal } from './saveRefusal';

/** The role form (new or edit): name, description and the policy picker with its search box. */
export class RoleEditor {
  /** `origin`: the console's URL when it is not the run's shared one (its own console). */
  readonly refusal: SaveRefusal;

  constructor(readonly page: Page, readonly origin = '') {
    this.refusal = new SaveRefusal(page);
  }

  async gotoNew() {
    return this.page.goto(`${this.origin}/roles/new`);
  }
  async gotoEdit(id: string) {
    return this.page.goto(`${this.origin}/roles/${id}/edit`);
  }

  get name() {
    return this.page.getByLabel('Name', { exact: true });
  }
  get nameError() {
    return this.page.getByTestId('name-error');
  }
  /** Nomad's refusal about the name. */
  /** Nomad's refusal of the name (announced, unlike the check made as typed). */
  get nameServerError() {
    return this.nameError.getByRole('alert');
  }
  get description() {
    return this.page.getByLabel('Description (optional)');
  }
  get descriptionError() {
    return this.page.getByTestId('description-error');
  }
  get picker() {
    return this.page.getByTestId('policy-picker');
  }
  get pickerSearch() {
    return this.page.getByLabel('Search policies', { exact: true });
  }
  get noPolicyMatches() {
    return this.page.getByText('No policy matches this search.');
  }
  /** A policy's entry in the picker. */
  policy(name: string) {
    return this.page.locator(`li[data-value="${name}"]`);
  }
  /** A policy's checkbox in the picker. */
  policyCheckbox(name: string) {
    return this.page.locator(`li[data-value="${name}"] input[type="checkbox"]`);
  }
  get policiesError() {
    return this.page.getByTestId('policies-error');
  }
  /** What the answer to a save said about the policies (announced). */
  get policiesServerError() {
    return this.policiesError.getByRole('alert');
  }
  /** Shown instead of the picker on a cluster without policies. */
  get noPolicies() {
    return this.page.getByTestId('no-policies');
  }
  /** The warning that the role changed or was deleted elsewhere while being edited (`data-drift`). */
  get drift() {
    return this.page.getByTestId('edit-drift');
  }
  get createButton() {
    return this.page.getByRole('button', { name: 'Create role' });
  }

  /** Ticks a policy, found through the picker's search box. */
  async pick(policy: string) {
    await this.pickerSearch.fill(policy);
    await this.policyCheckbox(policy).check();
  }
  async create() {
    await this.createButton.click();
  }
  async save() {
    await this.page.getByRole('button', { name: 'Save role' }).click();
  }
}
