import { Page } from '@playwright/test';
import { CanItForm } from './canItForm';

/** "Effective permissions" of one token: every right with its source, and the can-it question. */
export class TokenPermissionsPage {
  readonly canIt: CanItForm;

  constructor(readonly page: Page) {
    this.canIt = new CanItForm(page);
  }

  /** `query`: e.g. `?right=submit-job&namespace=x` to ask on arrival. */
  async goto(accessor: string, query = '') {
    return this.page.goto(`/tokens/${accessor}/permissions${query}`);
  }

  get name() {
    return this.page.getByTestId('permissions-name');
  }
  /** The existing namespaces × capabilities table. */
  get matrix() {
    return this.page.getByTestId('namespace-matrix');
  }
  /** One existing namespace's row of the matrix (its name and deciding rule first). */
  matrixRow(namespace: string) {
    return this.matrix.locator(`[data-testid="matrix-row"][data-namespace="${namespace}"]`);
  }
  /** One cell of the matrix; `data-granted` says whether the capability is granted there. */
  matrixCell(namespace: string, capability: string) {
    return this.matrixRow(namespace).locator(`td[data-capability="${capability}"]`);
  }
  /** The table of one namespace pattern. */
  namespace(pattern: string) {
    return this.page.locator(`[data-testid="ns-table"][data-pattern="${pattern}"]`);
  }
  /** One capability's row in a namespace's table. */
  capability(pattern: string, capability: string) {
    return this.namespace(pattern).locator(`[data-testid="capability-row"][data-capability="${capability}"]`);
  }
  /** The row of a non-namespace area (node, agent, …). */
  block(name: string) {
    return this.page.locator(`[data-testid="block-row"][data-block="${name}"]`);
  }
  get missingPolicies() {
    return this.page.getByTestId('missing-policies');
  }
  get allPermissions() {
    return this.page.getByTestId('all-permissions');
  }
}
