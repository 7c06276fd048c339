// Browser test of the software repository's resumable upload, through real Chromium.
//
// Proves, end to end in a browser:
//   SWR-1  an Administrator uploads a release from the repository page: the page's script sends
//          it in parts with the tus protocol; one part's connection is cut on the way, the script
//          asks the hub where it stopped and resumes; the release is listed with the SHA-256 of
//          the whole file as the hub computed it
//
// Environment:
//   PATCHBAY_URL             base URL of a running hub (required)
//   PATCHBAY_ADMIN_LOGIN     an Administrator (required)
//   PATCHBAY_ADMIN_PASSWORD  its password (required)
//   PATCHBAY_CHROMIUM        Chromium executable (default /usr/bin/chromium)
//
// On failure a full-page screenshot and the page HTML go to e2e/test-results/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { gotoOk, launchBrowser, logIn, openPage, stepRunner } from './lib/console.mjs';

const BASE_URL = (process.env.PATCHBAY_URL ?? '').replace(/\/+$/, '');
const LOGIN = process.env.PATCHBAY_ADMIN_LOGIN ?? '';
const PASSWORD = process.env.PATCHBAY_ADMIN_PASSWORD ?? '';

test('SWR-1 an administrator uploads a release with the resumable upload, through a cut connection', { timeout: 5 * 60_000 }, async (t) => {
  assert.ok(BASE_URL, 'PATCHBAY_URL must be set');
  assert.ok(LOGIN && PASSWORD, 'PATCHBAY_ADMIN_LOGIN and PATCHBAY_ADMIN_PASSWORD must be set');
  const browser = await launchBrowser();
  const { page } = await openPage(browser, BASE_URL);
  const step = stepRunner(t, page, 'repository-');
  // 36 MiB: three parts of the script's 16 MiB.
  const file = randomBytes(36 * 1024 * 1024);
  const sha256 = createHash('sha256').update(file).digest('hex');
  const version = `12.8.${Date.now() % 100000}`;
  try {
    await step('log in as the Administrator', async () => {
      await logIn(page, { login: LOGIN, password: PASSWORD, language: 'en', landing: '/com/dashboard', acceptTerms: true });
    });

    await step('upload a release; the second part is cut on the way', async () => {
      let patches = 0;
      let cut = false;
      await page.route('**/com/repository/uploads/*', async (route) => {
        if (route.request().method() === 'PATCH') {
          patches += 1;
          if (patches === 2 && !cut) {
            cut = true;
            return route.abort('connectionreset');
          }
        }
        return route.continue();
      });
      await gotoOk(page, '/com/repository');
      await page.fill('#version', version);
      await page.selectOption('#profile', 'ip500v2');
      await page.setInputFiles('#file', { name: `ipo-${version}.bin`, mimeType: 'application/octet-stream', buffer: file });
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/com/repository' && url.search.includes('done=uploaded'), { timeout: 120_000 }),
        page.click('#release-upload-submit'),
      ]);
      assert.ok(cut, 'a part was cut');
      assert.ok(patches >= 4, `the script resumed after the cut (${patches} PATCH requests)`);
      await page.unroute('**/com/repository/uploads/*');
    });

    await step('the release is listed with the whole file\'s SHA-256', async () => {
      const row = page.locator(`#releases-table tr[data-version="${version}"]`);
      assert.equal(await row.count(), 1, 'one row for the release');
      assert.equal((await row.locator('[data-sha256]').textContent()).trim(), sha256);
      assert.equal(await page.locator('#open-uploads').count(), 0, 'no unfinished upload left');
    });
  } finally {
    await browser.close();
  }
});
