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
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const STEP_TIMEOUT = 30_000;
const RESULTS_DIR = fileURLToPath(new URL('./test-results/', import.meta.url));

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const ADMIN_PASSWORD = process.env.PATCHBAY_ADMIN_PASSWORD ?? '';
const CHROMIUM = process.env.PATCHBAY_CHROMIUM || '/usr/bin/chromium';

const ADMIN_LOGIN = 'admin';
const ADMIN_NEW_PASSWORD = 'Admin#Smoke2026';
const OP_LOGIN = 'op1';
const OP_INITIAL_PASSWORD = 'Operator#2026x';
const OP_NEW_PASSWORD = 'Operator#2026y';

const LANGUAGES = ['en', 'fr', 'ro', 'ko', 'uk'];

// ---------------------------------------------------------------- helpers

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

const isPath = (path, query = {}) => (url) =>
  url.pathname === path && Object.entries(query).every(([k, v]) => url.searchParams.get(k) === v);

/** Text of any `.error` elements on the page, for failure messages. */
async function errorText(page) {
  try {
    const texts = await page.locator('.error').allInnerTexts();
    return texts.map((t) => t.trim()).filter(Boolean).join(' | ');
  } catch {
    return '';
  }
}

/** Runs `action` (usually a click on a submit button) and waits until the URL satisfies `pred`. */
async function navigateTo(page, action, pred, expected) {
  try {
    await Promise.all([page.waitForURL(pred, { timeout: STEP_TIMEOUT }), action()]);
  } catch (err) {
    const errors = await errorText(page);
    throw new Error(
      `expected to arrive at ${expected}, but the page is ${page.url()}` +
        (errors ? ` showing error(s): ${errors}` : '') +
        `\n  cause: ${err.message.split('\n')[0]}`,
    );
  }
  await page.waitForLoadState('domcontentloaded');
}

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

async function gotoOk(page, path) {
  const res = await page.goto(path);
  assert.ok(res, `no response for ${path}`);
  assert.equal(res.status(), 200, `GET ${path} answered ${res.status()} (now at ${page.url()})`);
  return res;
}

async function fillLogin(page, login, password, language) {
  await gotoOk(page, '/com/login');
  const form = page.locator('form#login-form');
  await form.waitFor();
  assert.equal(await form.getAttribute('method').then((m) => m?.toLowerCase()), 'post', 'login form method');
  assert.equal(await form.getAttribute('action'), '/com/login', 'login form action');
  // Fill the login name before choosing the language: with an empty login name the page's script
  // reloads the login page in the chosen language instead of keeping the form.
  await form.locator('input[name=login]').fill(login);
  await form.locator('input[name=password]').fill(password);
  await form.locator('select[name=language]').selectOption(language);
}

async function login(page, login, password, language, pred, expected) {
  await fillLogin(page, login, password, language);
  await navigateTo(page, () => page.locator('#login-submit').click(), pred, expected);
}

async function acceptTerms(page) {
  await page.locator('#accept-terms').waitFor();
  await navigateTo(page, () => page.locator('#accept-terms').click(), isPath('/com/password'), '/com/password');
}

async function changePassword(page, oldPassword, newPassword) {
  const form = page.locator('form#password-form');
  await form.waitFor();
  await form.locator('input[name=oldPassword]').fill(oldPassword);
  await form.locator('input[name=newPassword]').fill(newPassword);
  await form.locator('input[name=confirmPassword]').fill(newPassword);
  await navigateTo(
    page,
    () => page.locator('#password-submit').click(),
    isPath('/com/login', { changed: '1' }),
    '/com/login?changed=1',
  );
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

async function capture(page, name) {
  if (!page) return;
  try {
    await mkdir(RESULTS_DIR, { recursive: true });
    const base = `${RESULTS_DIR}${slug(name)}`;
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
    await writeFile(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    console.error(`# failure artefacts: ${base}.png, ${base}.html (page ${page.url()})`);
  } catch (err) {
    console.error(`# could not capture failure artefacts: ${err.message}`);
  }
}

// ---------------------------------------------------------------- the test

test(
  'UI-1 OPR-4 OPR-6 RBAC-1 console smoke: first login, language, operator account, operator denied preferences',
  { timeout: 15 * 60_000 },
  async (t) => {
    assert.ok(BASE_URL, 'PATCHBAY_URL must be set, e.g. https://127.0.0.1:7443');
    assert.ok(ADMIN_PASSWORD, 'PATCHBAY_ADMIN_PASSWORD must be set to the one-time password printed by `patchbay serve`');

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ baseURL: BASE_URL, ignoreHTTPSErrors: true, locale: 'en-US' });
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    const page = await context.newPage();

    // Any 5xx on the way is a server bug even if the flow happens to continue.
    const serverErrors = [];
    page.on('response', (res) => {
      if (res.status() >= 500) serverErrors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });

    let failedStep = null;
    const step = (name, fn) =>
      t.test(name, { skip: failedStep ? `earlier step failed: ${failedStep}` : false, timeout: 4 * STEP_TIMEOUT }, async () => {
        try {
          await fn();
        } catch (err) {
          failedStep = name;
          await capture(page, name);
          throw err;
        }
      });

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
        await fillLogin(page, ADMIN_LOGIN, 'Wrong#Password1', 'en');
        await page.locator('#login-submit').click();
        await page.locator('.error').first().waitFor();
        assert.equal(new URL(page.url()).pathname, '/com/login', 'still on the login page');
      });

      await step('admin first login (en) leads to the terms', async () => {
        await login(page, ADMIN_LOGIN, ADMIN_PASSWORD, 'en', isPath('/com/terms'), '/com/terms');
        assert.equal(await htmlLang(page), 'en', 'html[lang] on the terms page');
      });

      await step('admin accepts the terms and must change the password', async () => {
        await acceptTerms(page);
      });

      await step('admin changes the password; the session ends', async () => {
        await changePassword(page, ADMIN_PASSWORD, ADMIN_NEW_PASSWORD);
      });

      await step('admin logs in again choosing French; console is in French', async () => {
        await login(page, ADMIN_LOGIN, ADMIN_NEW_PASSWORD, 'fr', isPath('/com/dashboard'), '/com/dashboard');
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
        await login(page, OP_LOGIN, OP_INITIAL_PASSWORD, 'en', isPath('/com/terms'), '/com/terms');
      });

      await step('op1 accepts the terms and must change the password', async () => {
        await acceptTerms(page);
      });

      await step('op1 changes the password; the session ends', async () => {
        await changePassword(page, OP_INITIAL_PASSWORD, OP_NEW_PASSWORD);
      });

      await step('op1 logs in again and reaches the dashboard', async () => {
        await login(page, OP_LOGIN, OP_NEW_PASSWORD, 'en', isPath('/com/dashboard'), '/com/dashboard');
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
