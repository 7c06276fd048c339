// RMT-3 / RMT-7 in a real browser: Chromium configured with the hub's PAC file
// (--proxy-pac-url) opens an HTTPS page served by a target behind a real agent — the system's web
// control panel at https://<customer-id>.maint.<domain>:7071/login — authenticating to the proxy
// with the maintenance proxy account. Run by e2e/remote-ci.sh, which starts the hub, the agent and
// the target.
//
// Environment: PATCHBAY_URL (the hub, e.g. https://localhost:17443), PATCHBAY_REMOTE_URL (the
// target's address through the proxy), PATCHBAY_PROXY_USER, PATCHBAY_PROXY_PASSWORD,
// PATCHBAY_REMOTE_TEXT (a text the target's page shows).

import assert from 'node:assert/strict';
import test from 'node:test';
import { chromium } from 'playwright-core';

const HUB = process.env.PATCHBAY_URL ?? '';
const TARGET = process.env.PATCHBAY_REMOTE_URL ?? '';
const USER = process.env.PATCHBAY_PROXY_USER ?? '';
const PASSWORD = process.env.PATCHBAY_PROXY_PASSWORD ?? '';
const TEXT = process.env.PATCHBAY_REMOTE_TEXT ?? '';

test('RMT-3 RMT-7 Chromium with the PAC file opens an HTTPS page behind the agent', { timeout: 120_000 }, async () => {
  assert.ok(HUB && TARGET && USER && PASSWORD && TEXT, 'PATCHBAY_URL, _REMOTE_URL, _PROXY_USER, _PROXY_PASSWORD, _REMOTE_TEXT');
  const browser = await chromium.launch({
    executablePath: process.env.PATCHBAY_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      `--proxy-pac-url=${HUB}/com/remoteproxy/proxy.pac`,
      // The hub's self-signed identity (the PAC file, the proxy) and the target's own certificate.
      '--ignore-certificate-errors',
    ],
  });
  try {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    // The proxy's 407 answered as a person answers the browser's proxy login dialog (Playwright's
    // own credentials apply to a proxy given at launch, not to one a PAC file picks).
    const cdp = await context.newCDPSession(page);
    let proxyChallenges = 0;
    cdp.on('Fetch.requestPaused', (e) => cdp.send('Fetch.continueRequest', { requestId: e.requestId }).catch(() => {}));
    cdp.on('Fetch.authRequired', (e) => {
      const proxy = e.authChallenge.source === 'Proxy';
      if (proxy) proxyChallenges += 1;
      cdp
        .send('Fetch.continueWithAuth', {
          requestId: e.requestId,
          authChallengeResponse: proxy
            ? { response: 'ProvideCredentials', username: USER, password: PASSWORD }
            : { response: 'CancelAuth' },
        })
        .catch(() => {});
    });
    await cdp.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*' }] });
    const res = await page.goto(TARGET, { timeout: 60_000 });
    assert.ok(res, 'no response');
    assert.equal(res.status(), 200, `status ${res.status()} for ${TARGET}`);
    assert.match(await page.content(), new RegExp(TEXT));
    assert.ok(proxyChallenges >= 1, 'the proxy never asked for credentials');
    // Without the proxy account the browser gets the proxy's challenge, not the page.
    const anonymous = await browser.newContext({ ignoreHTTPSErrors: true });
    const other = await anonymous.newPage();
    let denied = false;
    try {
      const r = await other.goto(TARGET, { timeout: 30_000 });
      denied = !r || r.status() === 407 || !(await other.content()).includes(TEXT);
    } catch {
      denied = true;
    }
    assert.ok(denied, 'the page was reached without proxy credentials');
  } finally {
    await browser.close();
  }
});
