import { test, expect } from '@playwright/test';
import { seriousAxeViolations } from '../support/accessibility';
import { createPolicy, createToken, demoSecret, suffix } from '../support/nomad';
import { hydrated } from '../pages/hydrated';
import { signIn } from '../pages/signInPage';

// The token forms, whose lifetime choices have parts that are not chosen, in both colour schemes.

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });

    test(`/tokens/new has no serious or critical axe violation (${scheme})`, async ({ page }) => {
      await signIn(page, demoSecret());
      await page.goto('/tokens/new');
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });

    test(`a token's page with its Renew form has no serious or critical axe violation (${scheme})`, async ({ page }) => {
      const policy = `e2e-axe-${suffix()}`;
      await createPolicy(policy, 'node { policy = "read" }');
      const token = await createToken({ Name: `e2e-axe-${suffix()}`, Policies: [policy] });
      await signIn(page, demoSecret());
      await page.goto(`/tokens/${token.AccessorID}`);
      await hydrated(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });

    for (const path of ['/namespaces', '/namespaces/payments-dev', '/namespaces/new', '/namespaces/default/edit']) {
      test(`${path} has no serious or critical axe violation (${scheme})`, async ({ page }) => {
        await signIn(page, demoSecret());
        await page.goto(path);
        await hydrated(page);
        expect(await seriousAxeViolations(page)).toEqual([]);
      });
    }
  });
}
