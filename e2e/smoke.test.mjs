// Browser smoke test of the Patchbay console, driven through real Chromium.
//
// Proves, end to end through the plain HTML forms of the console:
//   UI-1   the console is usable in a browser and follows the language chosen at login
//   OPR-4  first login of an account: accept terms, then forced password change
//   OPR-6  an Administrator creates an Operator account
//   RBAC-1 an Operator sees no Preferences menu entry and gets 403 on /com/preferences
//
// Environment:
//   PATCHBAY_URL             base URL of a running hub, e.g. https://127.0.0.1:7443 (required)
//   PATCHBAY_ADMIN_PASSWORD  one-time admin password printed by `patchbay serve` on first start (required)
//   PATCHBAY_CHROMIUM        Chromium executable (default /usr/bin/chromium)
//
// The hub must be freshly initialised (admin has never logged in, no account "op1").
// On failure a full-page screenshot and the page HTML go to e2e/test-results/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptTerms,
  changePassword,
  fillLogin,
  gotoOk,
  isPath,
  launchBrowser,
  logIn,
  navigateTo,
  openPage,
  stepRunner,
} from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const ADMIN_PASSWORD = process.env.PATCHBAY_ADMIN_PASSWORD ?? '';

const ADMIN_LOGIN = 'admin';
const ADMIN_NEW_PASSWORD = 'Admin#Smoke2026';
const OP_LOGIN = 'op1';
const OP_INITIAL_PASSWORD = 'Operator#2026x';
const OP_NEW_PASSWORD = 'Operator#2026y';

const LANGUAGES = ['en', 'fr', 'ro', 'ko', 'uk'];

// ---------------------------------------------------------------- helpers

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

/** Opens the collapsed <details> menus (outermost first) that hide `locator`, as a user would. */
async function reveal(locator) {
  await locator.waitFor({ state: 'attached' });
  if (await locator.isVisible()) return;
  const closed = locator.locator('xpath=ancestor::details[not(@open)]');
  for (let i = 0; i < (await closed.count()); i++) {
    await closed.nth(i).locator('xpath=./summary').click();
  }
  await locator.waitFor({ state: 'visible' });
}

async function logout(page) {
  // The logout button sits in the (collapsed) user menu.
  const button = page.locator('form#logout-form #logout');
  await reveal(button);
  await navigateTo(page, () => button.click(), isPath('/com/login'), '/com/login');
}

// ---------------------------------------------------------------- the test

test(
  'UI-1 OPR-4 OPR-6 RBAC-1 console smoke: first login, language, operator account, operator denied preferences',
  { timeout: 15 * 60_000 },
  async (t) => {
    assert.ok(BASE_URL, 'PATCHBAY_URL must be set, e.g. https://127.0.0.1:7443');
    assert.ok(ADMIN_PASSWORD, 'PATCHBAY_ADMIN_PASSWORD must be set to the one-time password printed by `patchbay serve`');

    const browser = await launchBrowser();
    const { page, serverErrors } = await openPage(browser, BASE_URL);
    const step = stepRunner(t, page);

    try {
      await step('hub is up and the login page offers the five languages', async () => {
        const health = await page.request.get('/healthz');
        assert.equal(health.status(), 200, 'GET /healthz');
        await gotoOk(page, '/com/login');
        const options = await page.locator('form#login-form select[name=language] option').evaluateAll((os) => os.map((o) => o.value));
        for (const lang of LANGUAGES) assert.ok(options.includes(lang), `language option ${lang} missing (have ${options})`);
        assert.equal(await page.locator('#login-submit').count(), 1, '#login-submit');
      });

      await step('a wrong password re-renders the login page with .error', async () => {
        await fillLogin(page, ADMIN_LOGIN, 'Wrong#Password1', 'en', { checkForm: true });
        await page.locator('#login-submit').click();
        await page.locator('.error').first().waitFor();
        assert.equal(new URL(page.url()).pathname, '/com/login', 'still on the login page');
      });

      await step('admin first login (en) leads to the terms', async () => {
        await logIn(page, { login: ADMIN_LOGIN, password: ADMIN_PASSWORD, language: 'en', landing: '/com/terms', checkForm: true });
        assert.equal(await htmlLang(page), 'en', 'html[lang] on the terms page');
      });

      await step('admin accepts the terms and must change the password', async () => {
        await acceptTerms(page);
      });

      await step('admin changes the password; the session ends', async () => {
        await changePassword(page, ADMIN_PASSWORD, ADMIN_NEW_PASSWORD);
      });

      await step('admin logs in again choosing French; console is in French', async () => {
        await logIn(page, { login: ADMIN_LOGIN, password: ADMIN_NEW_PASSWORD, language: 'fr', landing: '/com/dashboard', checkForm: true });
        assert.equal(await htmlLang(page), 'fr', 'html[lang] after logging in with language fr');
        await page.locator('nav#menu').waitFor({ state: 'attached' });
        // Entries may sit in collapsed sub-menus or the user menu, so count them page-wide.
        for (const id of ['#menu-dashboard', '#menu-accounts', '#menu-preferences', '#menu-profile', '#menu-about']) {
          assert.equal(await page.locator(id).count(), 1, `administrator menu entry ${id}`);
        }
      });

      await step('admin creates Operator op1', async () => {
        await gotoOk(page, '/com/accounts/new');
        assert.equal(await htmlLang(page), 'fr', 'html[lang] stays fr');
        const form = page.locator('form#account-form');
        await form.waitFor();
        await form.locator('input[name=loginName]').fill(OP_LOGIN);
        await form.locator('input[name=password]').fill(OP_INITIAL_PASSWORD);
        await form.locator('input[name=confirmPassword]').fill(OP_INITIAL_PASSWORD);
        await form.locator('select[name=role]').selectOption('operator');
        await form.locator('input[name=firstName]').fill('Olga');
        await form.locator('input[name=lastName]').fill('Operator');
        await form.locator('input[name=email]').fill('op1@example.test');
        await navigateTo(page, () => page.locator('#account-submit').click(), isPath('/com/accounts'), '/com/accounts');
      });

      await step('op1 is listed in #accounts-table', async () => {
        const table = page.locator('#accounts-table');
        await table.waitFor();
        const text = await table.innerText();
        assert.match(text, new RegExp(`(^|\\W)${OP_LOGIN}(\\W|$)`), `"${OP_LOGIN}" not found in #accounts-table:\n${text}`);
      });

      await step('admin logs out', async () => {
        await logout(page);
      });

      await step('op1 first login leads to the terms', async () => {
        await logIn(page, { login: OP_LOGIN, password: OP_INITIAL_PASSWORD, language: 'en', landing: '/com/terms', checkForm: true });
      });

      await step('op1 accepts the terms and must change the password', async () => {
        await acceptTerms(page);
      });

      await step('op1 changes the password; the session ends', async () => {
        await changePassword(page, OP_INITIAL_PASSWORD, OP_NEW_PASSWORD);
      });

      await step('op1 logs in again and reaches the dashboard', async () => {
        await logIn(page, { login: OP_LOGIN, password: OP_NEW_PASSWORD, language: 'en', landing: '/com/dashboard', checkForm: true });
        assert.equal(await htmlLang(page), 'en', 'html[lang] after logging in with language en');
      });

      await step('RBAC-1: op1 has no Preferences (nor Accounts) menu entry', async () => {
        await page.locator('nav#menu').waitFor({ state: 'attached' });
        assert.equal(await page.locator('#menu-dashboard').count(), 1, 'operator sees #menu-dashboard');
        assert.equal(await page.locator('#menu-preferences').count(), 0, 'operator must not see #menu-preferences');
        assert.equal(await page.locator('#menu-accounts').count(), 0, 'operator must not see #menu-accounts');
      });

      await step('RBAC-1: GET /com/preferences as op1 answers 403', async () => {
        const res = await page.goto('/com/preferences');
        assert.ok(res, 'no response for /com/preferences');
        assert.equal(res.status(), 403, `GET /com/preferences as operator answered ${res.status()} (now at ${page.url()})`);
      });

      await step('no 5xx response during the whole flow', async () => {
        assert.deepEqual(serverErrors, []);
      });
    } finally {
      await browser.close();
    }
  },
);
