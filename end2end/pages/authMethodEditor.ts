import { Page } from '@playwright/test';
import { SaveRefusal } from './saveRefusal';

/** The auth method form (new or edit), OIDC or JWT, each field checked with Nomad's texts. */
export class AuthMethodEditor {
  readonly refusal: SaveRefusal;

  constructor(readonly page: Page) {
    this.refusal = new SaveRefusal(page);
  }

  /** `query`: e.g. `?type=JWT`. */
  async gotoNew(query = '') {
    return this.page.goto(`/auth-methods/new${query}`);
  }
  async gotoEdit(name: string) {
    return this.page.goto(`/auth-methods/${name}/edit`);
  }

  get typeChosen() {
    return this.page.getByTestId('method-type-chosen');
  }
  async chooseType(link: string) {
    await this.page.getByRole('link', { name: link }).click();
  }

  get name() {
    return this.page.getByLabel('Name', { exact: true });
  }
  get maxTokenTtl() {
    return this.page.getByLabel('Max token TTL');
  }
  get global() {
    return this.page.getByLabel('Global: replicated to every region');
  }
  get defaultMethod() {
    return this.page.getByLabel('Default method');
  }
  get discoveryUrl() {
    return this.page.getByLabel('Discovery URL');
  }
  get clientId() {
    return this.page.getByLabel('Client ID');
  }
  get clientSecret() {
    return this.page.getByLabel('Client secret');
  }
  /** Whether a client secret is stored (the editor never shows it). */
  get secretState() {
    return this.page.getByTestId('secret-state');
  }
  get scopes() {
    return this.page.getByLabel('Scopes');
  }
  get allowedRedirectUris() {
    return this.page.getByLabel('Allowed redirect URIs');
  }
  /** This console's callback URL, to add to the allowed redirect URIs. */
  get consoleCallback() {
    return this.page.getByTestId('console-callback');
  }
  get claimMappings() {
    return this.page.getByLabel('Claim mappings', { exact: true });
  }
  get listClaimMappings() {
    return this.page.getByLabel('List claim mappings');
  }
  get jwksUrl() {
    return this.page.getByLabel('JWKS URL');
  }
  get boundIssuer() {
    return this.page.getByLabel('Bound issuer');
  }
  get boundAudiences() {
    return this.page.getByLabel('Bound audiences');
  }
  get clockSkewLeeway() {
    return this.page.getByLabel('Clock skew leeway');
  }
  /** The message at a field (`field`: name, max-token-ttl, client-secret, key-source, default, …). */
  error(field: string) {
    return this.page.getByTestId(`method-${field}-error`);
  }

  async create() {
    await this.page.getByRole('button', { name: 'Create auth method' }).click();
  }
  async save() {
    await this.page.getByRole('button', { name: 'Save auth method' }).click();
  }
}
