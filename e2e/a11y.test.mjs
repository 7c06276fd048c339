// Accessibility of every console page (issue: every page accessible, in every language).
//
// axe-core (WCAG 2.1 A and AA rules) runs in real Chromium over the console's pages, as an
// Administrator and as a Customer administrator, in English and in Korean and Ukrainian (non-Latin
// scripts), and over the login page in every language. Any violation fails the test and is listed
// with the element it concerns. Pages of later features join by being added to the lists below.
//
// Environment:
//   PATCHBAY_URL                 base URL of a running hub (required)
//   PATCHBAY_ADMIN_LOGIN / _PASSWORD        an Administrator whose password need not change (required)
//   PATCHBAY_CUSTOMER_ADMIN_LOGIN / _PASSWORD  a Customer administrator, likewise (required);
//                                the first-login terms are accepted if they come
//   PATCHBAY_CHROMIUM            Chromium executable (default /usr/bin/chromium)
//
// The hub should hold some data (customers, alarms, calling entities) so that lists, charts and
// detail pages are drawn with content; .ci/run runs it after the other browser tests.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launchBrowser, logIn, openPage, saveFailureArtefacts } from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const ADMIN = [process.env.PATCHBAY_ADMIN_LOGIN ?? '', process.env.PATCHBAY_ADMIN_PASSWORD ?? ''];
const CUSTOMER_ADMIN = [
  process.env.PATCHBAY_CUSTOMER_ADMIN_LOGIN ?? '',
  process.env.PATCHBAY_CUSTOMER_ADMIN_PASSWORD ?? '',
];
const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Languages whose every page is checked (English, and two non-Latin scripts). */
const PAGE_LANGUAGES = ['en', 'ko', 'uk'];
/** The login page is checked in every language offered. */
const ALL_LANGUAGES = ['en', 'fr', 'ro', 'ko', 'uk'];

/** Pages of an Administrator: the operations console and the calling pages (organisation picker). */
const ADMIN_PAGES = [
  '/com/dashboard',
  '/com/customers',
  '/com/customers?filter=open',
  '/com/customers/new',
  '/com/alarms',
  '/com/accounts',
  '/com/accounts/new',
  '/com/providers',
  '/com/outbox',
  '/com/preferences',
  '/com/profile',
  '/com/about',
  '/com/help',
  '/com/calling/devices',
  // Sections of later features (each says what it will hold until then).
  '/com/jobs',
  '/com/repository',
  '/com/files',
  '/com/downloads/admin-tools',
  '/com/downloads/proxytunnel',
  '/com/appcentre',
  '/com/proxy-accounts',
  '/com/certificates',
];
/** Links found on these pages are checked too (the first of each kind): detail and edit pages. */
const ADMIN_FOLLOW = [
  ['/com/customers', 'a[href^="/com/customers/"][href$="/edit"]'],
  ['/com/customers', 'table a[href^="/com/customers/"]:not([href$="/edit"])'],
  ['/com/accounts', 'table a[href^="/com/accounts/"]'],
];
/** Pages of a Customer administrator: the calling console of their organisation. */
const CUSTOMER_PAGES = [
  '/com/calling/devices',
  '/com/calling/devices/new',
  '/com/calling/people',
  '/com/calling/people/new',
  '/com/calling/workspaces',
  '/com/calling/workspaces/new',
  '/com/calling/locations',
  '/com/calling/locations/new',
  '/com/calling/numbers',
  '/com/calling/numbers/add',
  '/com/profile',
  '/com/about',
  '/com/help',
];
const CUSTOMER_FOLLOW = [
  ['/com/calling/devices', 'table a[href^="/com/calling/devices/"]'],
  ['/com/calling/people', 'table a[href^="/com/calling/people/"]'],
  ['/com/calling/workspaces', 'table a[href^="/com/calling/workspaces/"]'],
  ['/com/calling/locations', 'table a[href^="/com/calling/locations/"]'],
];

/** The violations axe finds on the page now, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.addScriptTag({ content: AXE_SOURCE });
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG,
  );
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}`),
  );
}

/** Checks `path`; returns its violations prefixed with where they are. */
async function check(page, path, where) {
  const res = await page.goto(path);
  assert.ok(res && res.status() < 400, `${where} ${path}: HTTP ${res && res.status()}`);
  const found = await violations(page);
  if (found.length) await saveFailureArtefacts(page, `${where} ${path}`, 'a11y-');
  return found.map((v) => `${where} ${path}: ${v}`);
}

/** The first link matching `selector` on `path`, if any. */
async function firstLink(page, path, selector) {
  await page.goto(path);
  const link = page.locator(selector).first();
  return (await link.count()) ? link.getAttribute('href') : null;
}

/** Signs in (accepting the first-login terms if they come) and lands on `landing`. */
async function signIn(page, [login, password], language, landing) {
  await logIn(page, { login, password, language, landing, acceptTerms: true });
}

/** Every page of `pages` (and of `follow`) as `who`, in each page language. */
async function walk(browser, who, landing, pages, follow) {
  const problems = [];
  for (const language of PAGE_LANGUAGES) {
    const { page } = await openPage(browser, BASE_URL, { bypassCSP: true });
    await signIn(page, who, language, landing);
    const all = [...pages];
    for (const [from, selector] of follow) {
      const href = await firstLink(page, from, selector);
      if (href) all.push(href);
    }
    for (const path of all) problems.push(...(await check(page, path, `${who[0]} ${language}`)));
    await page.context().close();
  }
  return problems;
}

test('every console page passes axe-core (WCAG 2.1 A/AA)', { timeout: 600_000 }, async () => {
  assert.ok(BASE_URL, 'PATCHBAY_URL must be set');
  assert.ok(ADMIN[0] && ADMIN[1], 'PATCHBAY_ADMIN_LOGIN / _PASSWORD must be set');
  assert.ok(CUSTOMER_ADMIN[0] && CUSTOMER_ADMIN[1], 'PATCHBAY_CUSTOMER_ADMIN_LOGIN / _PASSWORD must be set');
  const browser = await launchBrowser();
  try {
    const problems = [];
    const { page } = await openPage(browser, BASE_URL, { bypassCSP: true });
    for (const language of ALL_LANGUAGES) {
      problems.push(...(await check(page, `/com/login?lang=${language}`, `anonymous ${language}`)));
    }
    await page.context().close();
    problems.push(...(await walk(browser, ADMIN, '/com/dashboard', ADMIN_PAGES, ADMIN_FOLLOW)));
    problems.push(
      ...(await walk(browser, CUSTOMER_ADMIN, '/com/calling/devices', CUSTOMER_PAGES, CUSTOMER_FOLLOW)),
    );
    assert.deepEqual(problems, [], `${problems.length} accessibility violations:\n${problems.join('\n')}`);
  } finally {
    await browser.close();
  }
});
