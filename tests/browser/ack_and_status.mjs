#!/usr/bin/env node
// Real-browser test of the confirmation page (/ack/TOKEN) and the Office's status page
// (/status), run by tests/integration/test_browser.py against a live deadlined.
//
// Drives Debian's Chromium (/usr/bin/chromium) through playwright-core; Playwright's own
// browser downloads are never used. Install the driver with `npm ci --prefix tests/browser`.
//
// Environment:
//   ACK_URL         the confirmation link from unit A's reminder
//   STATUS_URL      http://HOST:PORT/status
//   ADMIN_TOKEN     the status page password ([http] admin_token_file)
//   NOTE            the note to type into the confirmation form
//   SCREENSHOT_DIR  where ack.png and status.png are written (failure-*.png on failure)
//   TASK_TITLE      the task title as shown (optional: checked when given)
//   UNIT_A, UNIT_B  display names of the confirming and the other responsible unit
//                   (optional: default to the names the Python test uses)
//   CHROMIUM        the browser executable (default /usr/bin/chromium)
//   STEP_TIMEOUT_MS per-step timeout (default 15000)
//
// Prints one JSON line to stdout: {"ok": true, ...} and exits 0, or {"ok": false, "error":
// ...} and exits 1.

import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const started = Date.now();
const env = process.env;

function required(name) {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
}

const summary = { ok: false, step: 'setup', screenshots: [], console: [], http_errors: [] };
let browser;
let currentPage;

function watch(page, label, { allowedStatuses = [] } = {}) {
  // Console errors (CSP violations are reported as console errors by Chromium), uncaught
  // exceptions, failed requests and HTTP error statuses of the pages we drive.
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      summary.console.push({ page: label, type: msg.type(), text: msg.text(),
                             url: msg.location()?.url || '' });
    }
  });
  page.on('pageerror', (err) => {
    summary.console.push({ page: label, type: 'pageerror', text: String(err) });
  });
  page.on('requestfailed', (req) => {
    summary.http_errors.push({ page: label, url: req.url(), method: req.method(),
                               failure: req.failure()?.errorText || 'failed' });
  });
  page.on('response', async (resp) => {
    const status = resp.status();
    if (status >= 400 && !allowedStatuses.includes(status)) {
      const entry = { page: label, url: resp.url(), method: resp.request().method(), status };
      summary.http_errors.push(entry);
      if (entry.method !== 'GET') {
        // What the browser sent decides CSRF/origin checks: keep it for the report.
        try {
          const headers = await resp.request().allHeaders();
          entry.origin = headers.origin ?? null;
          entry.referer = headers.referer ?? null;
        } catch { /* the page may be gone */ }
      }
    }
  });
}

// Records `securitypolicyviolation` events in the page (init scripts are injected by the
// browser, so the page's own CSP does not block them).
const CSP_RECORDER = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
  });
};

async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations || []);
}

async function visibleText(locator, what, timeout) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (e) {
    throw new Error(`${what} not visible within ${timeout} ms`);
  }
  return (await locator.first().innerText()).trim();
}

/** The desk's entry of one unit: its occurrence's title and count, its state and who. */
async function rowOfUnit(page, unitName, timeout) {
  const items = page.locator('article.occurrence li').filter({
    has: page.locator('span.unit', { hasText: new RegExp(`^${unitName}$`) }),
  });
  await visibleText(items, `entry of "${unitName}" on the desk`, timeout);
  const n = await items.count();
  if (n !== 1) throw new Error(`expected one entry of "${unitName}" on the desk, found ${n}`);
  const item = items.first();
  const article = page.locator('article.occurrence').filter({
    has: page.locator('span.unit', { hasText: new RegExp(`^${unitName}$`) }),
  });
  return {
    task: (await article.locator('h3').innerText()).trim(),
    count: (await article.locator('.count').innerText()).trim(),
    unit: (await item.locator('span.unit').innerText()).trim(),
    state: (await item.locator('span.state').innerText()).trim(),
    css: await item.getAttribute('class'),
    who: (await item.locator('div.muted').allInnerTexts()).join(' ').trim(),
  };
}

/** Whether the page is wider than its window (it would scroll sideways). */
async function overflow(page) {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
}

async function shoot(page, dir, name) {
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage: true });
  summary.screenshots.push(file);
  return file;
}

async function main() {
  const ackUrl = required('ACK_URL');
  const statusUrl = required('STATUS_URL');
  const adminToken = required('ADMIN_TOKEN');
  const note = required('NOTE');
  const dir = required('SCREENSHOT_DIR');
  const title = env.TASK_TITLE || '';
  const unitA = env.UNIT_A || 'Phòng Kế hoạch – Tài chính';
  const unitB = env.UNIT_B || 'Phòng Quản lý đất đai';
  const timeout = Number(env.STEP_TIMEOUT_MS || 15000);
  fs.mkdirSync(dir, { recursive: true });

  summary.step = 'launch';
  browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
    timeout,
  });
  summary.browser = browser.version();

  // 1. The confirmation page, as the unit sees it from the link in its mail.
  summary.step = 'ack: open';
  const ackContext = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  await ackContext.addInitScript(CSP_RECORDER);
  const ack = await ackContext.newPage();
  currentPage = ack;
  watch(ack, 'ack');
  const first = await ack.goto(ackUrl, { waitUntil: 'load', timeout });
  if (!first || first.status() !== 200) {
    throw new Error(`GET ${ackUrl}: status ${first ? first.status() : 'none'}`);
  }
  const heading = await visibleText(ack.getByRole('heading', { level: 1 }), 'the h1', timeout);
  if (heading !== 'Xác nhận hoàn thành nhiệm vụ') {
    throw new Error(`ack page h1 is ${JSON.stringify(heading)}`);
  }
  if (title) {
    // Exact text: proves the title is escaped (a "<b>" in it must show as text).
    await visibleText(ack.getByRole('cell', { name: title, exact: true }),
                      `the task title cell ${JSON.stringify(title)}`, timeout);
  }
  await visibleText(ack.getByRole('cell', { name: unitA, exact: true }),
                    `the unit name cell ${JSON.stringify(unitA)}`, timeout);
  if ((await ack.getByText('Đã xác nhận hoàn thành').count()) !== 0) {
    throw new Error('ack page already says "Đã xác nhận hoàn thành" before submitting');
  }

  summary.step = 'ack: fill and submit';
  const noteBox = ack.getByLabel(/^Ghi chú/);
  await noteBox.waitFor({ state: 'visible', timeout });
  await noteBox.fill(note, { timeout });
  const button = ack.getByRole('button', { name: 'Xác nhận đã hoàn thành', exact: true });
  // The form posts to the page itself; the 303 leads back to it with a GET.
  const postSeen = ack.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url() === ackUrl, { timeout }).catch((e) => e);
  const reloadSeen = ack.waitForResponse(
    (r) => r.request().method() === 'GET' && r.url() === ackUrl &&
           r.request().redirectedFrom() !== null, { timeout }).catch((e) => e);
  await button.click({ timeout });
  const post = await postSeen;
  if (post instanceof Error) throw post;
  summary.post_status = post.status();
  if (post.status() !== 303) {
    const sent = await post.request().allHeaders();
    const page = (await post.text()).replace(/<head>[\s\S]*<\/head>/, ' ')
      .replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    throw new Error(`POST ${ackUrl}: status ${post.status()}, want 303 (the browser sent ` +
                    `Origin: ${sent.origin ?? '(none)'}, Referer: ${sent.referer ?? '(none)'}; ` +
                    `Sec-Fetch-Site: ${sent['sec-fetch-site'] ?? '(none)'}; the page says: ` +
                    `${page.slice(0, 200)})`);
  }
  const reload = await reloadSeen;
  if (reload instanceof Error) throw reload;
  if (reload.status() !== 200) {
    throw new Error(`GET ${ackUrl} after the redirect: status ${reload.status()}, want 200`);
  }
  await ack.waitForLoadState('load', { timeout });

  summary.step = 'ack: confirmed';
  const confirmed = await visibleText(ack.locator('p.ok'), 'the "Đã xác nhận hoàn thành" line',
                                      timeout);
  if (!confirmed.startsWith('Đã xác nhận hoàn thành lúc')) {
    throw new Error(`p.ok says ${JSON.stringify(confirmed)}`);
  }
  const noteLine = await visibleText(ack.getByText(note, { exact: false }), 'the note', timeout);
  if ((await ack.locator('form').count()) !== 0) {
    throw new Error('the form is still shown after confirming');
  }
  summary.ack = { heading, confirmed, note_line: noteLine, final_url: ack.url() };
  summary.ack.csp_violations = await cspViolations(ack);
  await shoot(ack, dir, 'ack.png');

  // 2. The status page, as the Office sees it (HTTP Basic, any user, admin token).
  summary.step = 'status: open';
  const statusContext = await browser.newContext({
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    httpCredentials: { username: 'van-phong', password: adminToken },
  });
  await statusContext.addInitScript(CSP_RECORDER);
  const status = await statusContext.newPage();
  currentPage = status;
  // The first request is answered 401 + WWW-Authenticate before the credentials are sent.
  watch(status, 'status', { allowedStatuses: [401] });
  const resp = await status.goto(statusUrl, { waitUntil: 'load', timeout });
  if (!resp || resp.status() !== 200) {
    throw new Error(`GET ${statusUrl}: status ${resp ? resp.status() : 'none'}`);
  }
  const statusHeading = await visibleText(status.getByRole('heading', { level: 1 }), 'the h1',
                                          timeout);
  if (statusHeading !== 'Theo dõi, đôn đốc thực hiện nhiệm vụ') {
    throw new Error(`status page h1 is ${JSON.stringify(statusHeading)}`);
  }
  summary.step = 'status: rows';
  const rowA = await rowOfUnit(status, unitA, timeout);
  const rowB = await rowOfUnit(status, unitB, timeout);
  if (rowA.state !== 'Hoàn thành đúng hạn' || rowA.css !== 'st-on-time' ||
      !rowA.who.endsWith('đơn vị xác nhận qua liên kết')) {
    throw new Error(`entry of ${unitA}: ${JSON.stringify(rowA)}, want "Hoàn thành đúng hạn" ` +
                    'confirmed through the link');
  }
  if (!rowB.state.startsWith('Đang thực hiện') || rowB.css !== 'st-open') {
    throw new Error(`entry of ${unitB}: ${JSON.stringify(rowB)}, want "Đang thực hiện …"`);
  }
  if (rowA.count !== '1/2 đơn vị đã hoàn thành') {
    throw new Error(`count ${JSON.stringify(rowA.count)}, want "1/2 đơn vị đã hoàn thành"`);
  }
  if (title && (rowA.task !== title || rowB.task !== title)) {
    throw new Error(`task cells ${JSON.stringify([rowA.task, rowB.task])}, want ${title}`);
  }
  for (const id of ['upcoming', 'recent']) {
    await visibleText(status.locator(`table#${id}`), `table#${id}`, timeout);
  }
  summary.status = {
    heading: statusHeading,
    a: rowA,
    b: rowB,
    upcoming_rows: (await status.locator('#upcoming tr').count()) - 1,
    recent_rows: (await status.locator('#recent tr').count()) - 1,
    csp_violations: await cspViolations(status),
  };
  await status.setViewportSize({ width: 1280, height: 900 });
  await shoot(status, dir, 'desk-1280.png');
  // A phone: the desk, its filters and its tables fit the width; nothing scrolls sideways.
  summary.step = 'status: 390 px';
  await status.setViewportSize({ width: 390, height: 844 });
  const phone = await overflow(status);
  summary.status.phone = phone;
  await shoot(status, dir, 'desk-390.png');
  if (phone.scrollWidth > phone.clientWidth) {
    throw new Error(`at 390 px the desk is ${phone.scrollWidth} px wide (window ` +
                    `${phone.clientWidth} px): it scrolls sideways`);
  }

  // 3. Nothing went wrong in the browser.
  summary.step = 'console';
  const violations = [...summary.ack.csp_violations, ...summary.status.csp_violations];
  if (summary.console.length || violations.length || summary.http_errors.length) {
    throw new Error(`browser reported problems: ${JSON.stringify({
      console: summary.console, csp: violations, http: summary.http_errors })}`);
  }
  summary.step = 'done';
  summary.ok = true;
}

let code = 0;
try {
  await main();
} catch (err) {
  code = 1;
  summary.ok = false;
  summary.error = String(err && err.message ? err.message : err).split('\n')[0];
  summary.detail = err && err.stack ? String(err.stack) : undefined;
  const dir = env.SCREENSHOT_DIR;
  if (currentPage && dir) {
    try {
      const name = `failure-${summary.step.replace(/[^a-z]+/gi, '-')}.png`;
      await currentPage.screenshot({ path: path.join(dir, name), fullPage: true, timeout: 5000 });
      summary.screenshots.push(path.join(dir, name));
    } catch { /* the page may be gone */ }
  }
} finally {
  if (browser) {
    try { await browser.close(); } catch { /* already gone */ }
  }
}
summary.duration_ms = Date.now() - started;
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(code);
