import { Page } from '@playwright/test';

/** The tokens list: filters, sortable table, paging, selection for bulk delete. */
export class TokensListPage {
  /** `origin`: the console's URL when it is not the run's shared one (its own console). */
  constructor(readonly page: Page, readonly origin = '') {}

  /** `query`: the list's state as in its URL, e.g. `?search=x&sort=name`. */
  async goto(query = '') {
    return this.page.goto(`${this.origin}/tokens${query}`);
  }

  get heading() {
    return this.page.getByRole('heading', { name: 'Tokens', level: 1 });
  }
  get table() {
    return this.page.getByTestId('tokens-table');
  }
  /** Role tags of roles that no longer exist (struck out, not links). */
  get deletedRoles() {
    return this.page.getByTestId('deleted-role');
  }
  /** The link to a role, by its ID. */
  roleLink(id: string) {
    return this.page.locator(`a[href="/roles/${id}"]`);
  }
  get rows() {
    return this.page.getByTestId('token-row');
  }
  row(accessor: string) {
    return this.page.locator(`[data-testid="token-row"][data-accessor="${accessor}"]`);
  }
  /** The names in the rows, in order. */
  get rowNames() {
    return this.page.locator('[data-testid="token-row"] .token-name');
  }
  /** One column's cells (`label`: Type, Expires, …) of every row. */
  cells(label: string) {
    return this.rows.locator(`td[data-label="${label}"]`);
  }
  /** The expiry time in a token's row. */
  expiry(accessor: string) {
    return this.row(accessor).locator('td[data-label="Expires"] time');
  }
  /** The "you" badge on the signed-in token's row. */
  youBadge(accessor: string) {
    return this.row(accessor).locator('.badge.you');
  }
  /** A policy the token names that no longer exists. */
  deletedPolicy(accessor: string) {
    return this.row(accessor).locator('.tag.deleted');
  }
  /** "grants nothing", on a token whose policies and roles are all gone. */
  warning(accessor: string) {
    return this.row(accessor).locator('.badge.warn');
  }
  get count() {
    return this.page.getByTestId('token-count');
  }
  get pageOf() {
    return this.page.getByTestId('page-of');
  }
  get emptyState() {
    return this.page.getByTestId('empty-state');
  }
  /** The column sorted in that direction (`ascending` or `descending`). */
  sortedColumn(direction: 'ascending' | 'descending') {
    return this.page.locator(`th[aria-sort="${direction}"]`);
  }

  get search() {
    return this.page.getByLabel('Search', { exact: true });
  }
  get type() {
    return this.page.getByLabel('Type', { exact: true });
  }
  get expiryFilter() {
    return this.page.getByLabel('Expiry', { exact: true });
  }
  get role() {
    return this.page.getByLabel('Role', { exact: true });
  }
  get policy() {
    return this.page.getByLabel('Policy', { exact: true });
  }
  get perPage() {
    return this.page.getByLabel('Per page', { exact: true });
  }

  get selectAll() {
    return this.page.getByTestId('select-all');
  }
  /** The checkboxes that select single rows. */
  get rowCheckboxes() {
    return this.page.getByTestId('select-token');
  }
  get selectedCount() {
    return this.page.getByTestId('selected-count');
  }
  get deletedNotice() {
    return this.page.getByTestId('deleted-notice');
  }
  get error() {
    return this.page.locator('.error-panel');
  }
  get needsManagement() {
    return this.page.getByTestId('needs-management');
  }

  async apply() {
    await this.page.getByRole('button', { name: 'Apply' }).click();
  }
  async clear() {
    await this.page.getByRole('link', { name: 'Clear' }).click();
  }
  async sortByName() {
    await this.page.getByTestId('sort-name').click();
  }
  async nextPage() {
    await this.page.getByRole('link', { name: 'Next →' }).click();
  }
  async previousPage() {
    await this.page.getByRole('link', { name: '← Previous' }).click();
  }
  async deleteSelected() {
    await this.page.getByTestId('delete-selected').click();
  }
  async deleteExpired() {
    await this.page.getByTestId('delete-expired').click();
  }
}
