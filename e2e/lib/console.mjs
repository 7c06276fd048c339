// What the browser tests of the Patchbay console share: launching Chromium, a page on the hub that
// records 5xx answers, steps that save a screenshot and the page HTML when they fail, navigation
// helpers, and the console login (with the first-login terms and the forced password change).
//
// Environment:
//   PATCHBAY_CHROMIUM  Chromium executable (default /usr/bin/chromium)
//
// Failure artefacts go to e2e/test-results/ (gitignored).

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Timeout of one wait or navigation; a test step gets four of them. */
export const STEP_TIMEOUT = 30_000;

const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));
const CHROMIUM = process.env.PATCHBAY_CHROMIUM || '/usr/bin/chromium';

const TERMS = '/com/terms';
const PASSWORD_CHANGE = '/com/password';

// ---------------------------------------------------------------- browser, page, steps

/** Launches the system Chromium (PATCHBAY_CHROMIUM, default /usr/bin/chromium) headless. */
export function launchBrowser() {
  return chromium.launch({
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
}

/**
 * Opens a page on the hub at `baseURL` (self-signed certificate accepted, en-US locale, the step
 * timeout as default) in a new context of `browser`; `contextOptions` adds to the context's options
 * (e.g. `{ acceptDownloads: true }`). Returns the page and `serverErrors`, the list of every 5xx
 * answer the page received.
 */
export async function openPage(browser, baseURL, contextOptions = {}) {
  const context = await browser.newContext({ baseURL, ignoreHTTPSErrors: true, locale: 'en-US', ...contextOptions });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  const page = await context.newPage();

  // Any 5xx on the way is a server bug even if the flow happens to continue.
  const serverErrors = [];
  page.on('response', (res) => {
    if (res.status() >= 500) serverErrors.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return { page, serverErrors };
}

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

/**
 * Saves a full-page screenshot and the HTML of `page` as e2e/test-results/<prefix><slug of name>.png
 * and .html. Never throws: a failure to capture is only logged.
 */
export async function saveFailureArtefacts(page, name, prefix = '') {
  if (!page) return;
  try {
    await mkdir(RESULTS_DIR, { recursive: true });
    const base = `${RESULTS_DIR}${prefix}${slug(name)}`;
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
    await writeFile(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    console.error(`# failure artefacts: ${base}.png, ${base}.html (page ${page.url()})`);
  } catch (err) {
    console.error(`# could not capture failure artefacts: ${err.message}`);
  }
}

/**
 * Returns `step(name, fn)`: runs `fn` as a subtest of `t`, skipped once an earlier step failed; a
 * failing step saves its artefacts (file names start with `prefix`) and fails.
 */
export function stepRunner(t, page, prefix = '') {
  let failedStep = null;
  return (name, fn) =>
    t.test(name, { skip: failedStep ? `earlier step failed: ${failedStep}` : false, timeout: 4 * STEP_TIMEOUT }, async () => {
      try {
        await fn();
      } catch (err) {
        failedStep = name;
        await saveFailureArtefacts(page, name, prefix);
        throw err;
      }
    });
}

// ---------------------------------------------------------------- navigation

/** URL predicate: the path is `path` and the query has (at least) `query`. */
export const isPath = (path, query = {}) => (url) =>
  url.pathname === path && Object.entries(query).every(([k, v]) => url.searchParams.get(k) === v);

/** Text of any `.error` elements on the page, for failure messages. */
export async function errorText(page) {
  try {
    const texts = await page.locator('.error').allInnerTexts();
    return texts.map((t) => t.trim()).filter(Boolean).join(' | ');
  } catch {
    return '';
  }
}

/**
 * Runs `action` (usually a click on a submit button) and waits until the URL satisfies `pred`;
 * `expected` names the destination in the error.
 */
export async function navigateTo(page, action, pred, expected) {
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

/** GET `path` in the page; asserts a 200 answer. */
export async function gotoOk(page, path) {
  const res = await page.goto(path);
  assert.ok(res, `no response for ${path}`);
  assert.equal(res.status(), 200, `GET ${path} answered ${res.status()} (now at ${page.url()})`);
  return res;
}

// ---------------------------------------------------------------- login

/**
 * Opens /com/login and fills the login form, without submitting it. With `checkForm`, also asserts
 * that the form is a plain POST to /com/login.
 */
export async function fillLogin(page, login, password, language, { checkForm = false } = {}) {
  await gotoOk(page, '/com/login');
  const form = page.locator('form#login-form');
  await form.waitFor();
  if (checkForm) {
    assert.equal(await form.getAttribute('method').then((m) => m?.toLowerCase()), 'post', 'login form method');
    assert.equal(await form.getAttribute('action'), '/com/login', 'login form action');
  }
  // Fill the login name before choosing the language: with an empty login name the page's script
  // reloads the login page in the chosen language instead of keeping the form.
  await form.locator('input[name=login]').fill(login);
  await form.locator('input[name=password]').fill(password);
  await form.locator('select[name=language]').selectOption(language);
}

/** On the terms page, accepts the terms and waits for `pred` (by default: the password change). */
export async function acceptTerms(page, pred = isPath(PASSWORD_CHANGE), expected = PASSWORD_CHANGE) {
  await page.locator('#accept-terms').waitFor();
  await navigateTo(page, () => page.locator('#accept-terms').click(), pred, expected);
}

/** On the password-change page, sets `newPassword`; the session ends at /com/login?changed=1. */
export async function changePassword(page, oldPassword, newPassword) {
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

/**
 * Logs in through the console's login page and asserts that the page reached is `landing`.
 *
 *   login, password, language ('en' unless given)
 *   landing          the path the login must end on
 *   acceptTerms      true: the first-login terms may come first; they are accepted
 *   newPassword      given (even as ''): the forced password change may come (first or after the
 *                    terms); the password becomes `newPassword` and the login is done again with it.
 *                    Not given: the password-change page is not an expected stop.
 *   newPasswordHint  the failure message when the change is forced but `newPassword` is empty
 *   checkForm        also assert that the login form is a plain POST to /com/login (see fillLogin)
 *
 * Without `acceptTerms` and `newPassword` this is: fill the form, submit, arrive at `landing`.
 */
export async function logIn(
  page,
  {
    login,
    password,
    language = 'en',
    landing,
    acceptTerms: withTerms = false,
    newPassword,
    newPasswordHint = 'the hub forces a password change, but no new password is given',
    checkForm = false,
  },
) {
  const withPasswordChange = newPassword !== undefined;
  const stops = [withTerms && 'the first-login terms', withPasswordChange && 'the forced password change'].filter(Boolean);
  const afterLogin = [landing, withTerms && TERMS, withPasswordChange && PASSWORD_CHANGE].filter(Boolean);
  const submit = async (pw) => {
    await fillLogin(page, login, pw, language, { checkForm });
    await navigateTo(
      page,
      () => page.locator('#login-submit').click(),
      (url) => afterLogin.includes(url.pathname),
      stops.length ? `${landing} (or ${stops.join(' or ')})` : landing,
    );
  };
  const at = (path) => new URL(page.url()).pathname === path;

  await submit(password);
  if (withTerms && at(TERMS)) {
    const afterTerms = [withPasswordChange && PASSWORD_CHANGE, landing].filter(Boolean);
    await acceptTerms(page, (url) => afterTerms.includes(url.pathname), afterTerms.join(' or '));
  }
  if (withPasswordChange && at(PASSWORD_CHANGE)) {
    assert.ok(newPassword, newPasswordHint);
    await changePassword(page, password, newPassword);
    await submit(newPassword);
  }
  assert.equal(new URL(page.url()).pathname, landing, `the landing page is ${landing}`);
}
