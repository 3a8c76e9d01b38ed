#!/usr/bin/env node
// Real-browser test of the confirmation page (/ack/TOKEN) and the Office's status page
// (/status), run by tests/integration/test_browser.py against a live deadlined: unit A
// confirms by its link; unit X asks for more time on its page; the desk at 1280 px and 390 px;
// the Office records unit C's report on the desk and approves X's request with another date.
//
// Drives Debian's Chromium (/usr/bin/chromium) through playwright-core; Playwright's own
// browser downloads are never used. Install the driver with `npm ci --prefix tests/browser`.
//
// Environment:
//   ACK_URL         the confirmation link from unit A's reminder
//   STATUS_URL      http://HOST:PORT/status
//   ADMIN_TOKEN     the status page password ([http] admin_token_file)
//   NOTE            the note to type into the confirmation form
//   SCREENSHOT_DIR  where the screenshots are written (failure-*.png on failure): ack.png,
//                   ack-extension.png, desk-1280.png, desk-390.png, desk-office-confirm.png,
//                   desk-extension.png, desk-390-forms.png, ack-extension-approved.png
//   TASK_TITLE      the task title as shown (optional: checked when given)
//   UNIT_A, UNIT_B  display names of the confirming and the other responsible unit
//                   (optional: default to the names the Python test uses)
//   UNITS_TOTAL     how many units the task has (default 2)
//   UNIT_C          the unit whose report the Office records on the desk, with DOCUMENT (its
//                   number) and OFFICE_NOTE
//   ACK_URL_X       the confirmation link of unit UNIT_X, which asks for more time until
//                   ASK_UNTIL (YYYY-MM-DD) giving EXT_REASON; the Office approves GRANT_UNTIL
//                   (YYYY-MM-DD) with EXT_NOTE
//                   (UNIT_C and ACK_URL_X optional: those parts run when given)
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

// The pages driven, by label; the violations of each document, taken before it is left (a
// navigation starts a new record).
const labels = new Map();
const violations = [];

async function takeCsp(page) {
  const found = await page.evaluate(() => (window.__cspViolations || []).splice(0));
  for (const v of found) violations.push(`${labels.get(page) || '?'}: ${v}`);
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

/** "dd/mm/yyyy" of "yyyy-mm-dd", as the pages write a day. */
function vnDate(iso) {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * Presses `button`, which posts its form to `postUrl`: the answer must be 303 and the GET it
 * leads to (a URL for which `landing` holds) 200; then the page has loaded.
 */
async function submitAndFollow(page, button, postUrl, landing, timeout) {
  const postSeen = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url() === postUrl, { timeout }).catch((e) => e);
  const reloadSeen = page.waitForResponse(
    (r) => r.request().method() === 'GET' && landing(r.url()) &&
           r.request().redirectedFrom() !== null, { timeout }).catch((e) => e);
  await takeCsp(page);
  await button.click({ timeout });
  const post = await postSeen;
  if (post instanceof Error) throw post;
  if (post.status() !== 303) {
    const sent = await post.request().allHeaders();
    const text = (await post.text()).replace(/<head>[\s\S]*<\/head>/, ' ')
      .replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
    throw new Error(`POST ${postUrl}: status ${post.status()}, want 303 (the browser sent ` +
                    `Origin: ${sent.origin ?? '(none)'}, Referer: ${sent.referer ?? '(none)'}; ` +
                    `Sec-Fetch-Site: ${sent['sec-fetch-site'] ?? '(none)'}; the page says: ` +
                    `${text.slice(0, 200)})`);
  }
  const reload = await reloadSeen;
  if (reload instanceof Error) throw reload;
  if (reload.status() !== 200) {
    throw new Error(`GET ${reload.url()} after the redirect: status ${reload.status()}, want 200`);
  }
  await page.waitForLoadState('load', { timeout });
  await takeCsp(page);
  return post.status();
}

/** The desk's li of one unit (within an occurrence, not the list of requests). */
function itemOfUnit(page, unitName) {
  return page.locator('article.occurrence li').filter({
    has: page.locator('span.unit', { hasText: new RegExp(`^${unitName}$`) }),
  });
}

/** Opens every <details> of the page, as an Office clerk might on a phone. */
async function openAllDetails(page) {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll('details')];
    for (const d of all) d.open = true;
    return all.length;
  });
}

async function checkNoOverflow(page, where) {
  const o = await overflow(page);
  if (o.scrollWidth > o.clientWidth) {
    throw new Error(`${where}: the page is ${o.scrollWidth} px wide (window ` +
                    `${o.clientWidth} px): it scrolls sideways`);
  }
  return o;
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
  const total = Number(env.UNITS_TOTAL || 2);
  const unitC = env.UNIT_C || '';
  const ackUrlX = env.ACK_URL_X || '';
  const unitX = ackUrlX ? required('UNIT_X') : '';
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
  labels.set(ack, 'ack');
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
  summary.post_status = await submitAndFollow(ack, button, ackUrl, (u) => u === ackUrl, timeout);

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
  await shoot(ack, dir, 'ack.png');

  // 2. Unit X asks for more time on its own page.
  let ackX;
  if (ackUrlX) {
    const askUntil = required('ASK_UNTIL');
    const reason = required('EXT_REASON');
    summary.step = 'ack X: open';
    ackX = await ackContext.newPage();
    currentPage = ackX;
    watch(ackX, 'ack-x');
    labels.set(ackX, 'ack-x');
    const r = await ackX.goto(ackUrlX, { waitUntil: 'load', timeout });
    if (!r || r.status() !== 200) {
      throw new Error(`GET ${ackUrlX}: status ${r ? r.status() : 'none'}`);
    }
    await visibleText(ackX.getByRole('cell', { name: unitX, exact: true }),
                      `the unit name cell ${JSON.stringify(unitX)}`, timeout);
    summary.step = 'ack X: ask for more time';
    const details = ackX.locator('details.act').filter({
      has: ackX.locator('summary', { hasText: /^Đề nghị gia hạn$/ }),
    });
    if ((await details.count()) !== 1) throw new Error('no "Đề nghị gia hạn" on the page of X');
    await details.locator('summary').click({ timeout });
    const until = details.locator('input[type=date][name=until]');
    await until.waitFor({ state: 'visible', timeout });
    await until.fill(askUntil, { timeout });
    await details.locator('textarea[name=reason]').fill(reason, { timeout });
    await submitAndFollow(
      ackX, details.getByRole('button', { name: 'Gửi đề nghị gia hạn', exact: true }), ackUrlX,
      (u) => u.split('#')[0] === ackUrlX, timeout);
    summary.step = 'ack X: asked';
    const asked = await visibleText(ackX.locator('#extension'), 'the request on the page of X',
                                    timeout);
    if (!asked.startsWith(`Đơn vị đã đề nghị gia hạn đến ngày ${vnDate(askUntil)}`)) {
      throw new Error(`the page of X says ${JSON.stringify(asked)}, want "Đơn vị đã đề nghị ` +
                      `gia hạn đến ngày ${vnDate(askUntil)} …"`);
    }
    summary.ack_x = { asked };
    await shoot(ackX, dir, 'ack-extension.png');
  }

  // 3. The status page, as the Office sees it (HTTP Basic, any user, admin token).
  summary.step = 'status: open';
  const statusContext = await browser.newContext({
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    httpCredentials: { username: 'van-phong', password: adminToken },
    viewport: { width: 1280, height: 900 },
  });
  await statusContext.addInitScript(CSP_RECORDER);
  const status = await statusContext.newPage();
  currentPage = status;
  // The first request is answered 401 + WWW-Authenticate before the credentials are sent.
  watch(status, 'status', { allowedStatuses: [401] });
  labels.set(status, 'status');
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
  if (rowA.count !== `1/${total} đơn vị đã hoàn thành`) {
    throw new Error(`count ${JSON.stringify(rowA.count)}, want "1/${total} đơn vị đã hoàn thành"`);
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
  };
  if (ackUrlX) {
    summary.step = 'status: the request';
    const requests = await visibleText(status.locator('section#requests h2'),
                                       'section#requests', timeout);
    if (requests !== 'Đề nghị gia hạn chờ xử lý (1)') {
      throw new Error(`section#requests says ${JSON.stringify(requests)}, want ` +
                      '"Đề nghị gia hạn chờ xử lý (1)"');
    }
    const listed = await status.locator('section#requests li').allInnerTexts();
    if (listed.length !== 1 || !listed[0].includes(unitX) ||
        !listed[0].includes(vnDate(required('ASK_UNTIL')))) {
      throw new Error(`section#requests lists ${JSON.stringify(listed)}, want ${unitX} until ` +
                      vnDate(required('ASK_UNTIL')));
    }
    summary.status.requests = { heading: requests, items: listed };
  }
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
  await status.setViewportSize({ width: 1280, height: 900 });
  const landing = (u) => u.split('?')[0] === statusUrl;

  // 4. The Office records unit C's report on its behalf.
  if (unitC) {
    const documentNo = required('DOCUMENT');
    const officeNote = required('OFFICE_NOTE');
    summary.step = 'desk: record for C';
    let item = itemOfUnit(status, unitC);
    const act = item.locator('details.act').filter({
      has: status.locator('summary', { hasText: /^Ghi nhận thay đơn vị$/ }),
    });
    if ((await act.count()) !== 1) {
      throw new Error(`no "Ghi nhận thay đơn vị" on the line of ${unitC}`);
    }
    await act.locator('summary').click({ timeout });
    const doc = act.getByLabel('Số văn bản');
    await doc.waitFor({ state: 'visible', timeout });
    await doc.fill(documentNo, { timeout });
    const received = await act.getByLabel('Thời điểm nhận').inputValue();
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(received)) {
      throw new Error(`"Thời điểm nhận" holds ${JSON.stringify(received)}, want now`);
    }
    await act.getByLabel('Ghi chú').fill(officeNote, { timeout });
    await submitAndFollow(status, act.getByRole('button', { name: 'Đã nhận báo cáo', exact: true }),
                          `${statusUrl}/confirm`, landing, timeout);
    summary.step = 'desk: C recorded';
    const rowC = await rowOfUnit(status, unitC, timeout);
    item = itemOfUnit(status, unitC);
    const noteC = (await item.locator('div.note').allInnerTexts()).map((t) => t.trim());
    if (rowC.state !== 'Hoàn thành đúng hạn' || rowC.css !== 'st-on-time' ||
        !rowC.who.startsWith(`Đã nhận báo cáo số ${documentNo} lúc `) ||
        !rowC.who.includes('Văn phòng ghi nhận (Quản trị)') || !noteC.includes(officeNote)) {
      throw new Error(`entry of ${unitC}: ${JSON.stringify({ ...rowC, note: noteC })}, want ` +
                      `"Hoàn thành đúng hạn", "Đã nhận báo cáo số ${documentNo} lúc …; Văn ` +
                      `phòng ghi nhận (Quản trị) …" and the note`);
    }
    if (rowC.count !== `2/${total} đơn vị đã hoàn thành`) {
      throw new Error(`count ${JSON.stringify(rowC.count)}, want "2/${total} đơn vị đã hoàn thành"`);
    }
    const summaries = (await item.locator('details.act > summary').allInnerTexts())
      .map((t) => t.trim());
    if (JSON.stringify(summaries) !== JSON.stringify(['Mở lại'])) {
      throw new Error(`the line of ${unitC} offers ${JSON.stringify(summaries)}, want ["Mở lại"]`);
    }
    summary.status.c = { ...rowC, note: noteC, received };
    await shoot(status, dir, 'desk-office-confirm.png');
  }

  // 5. The Office approves X's request, for another working day than asked.
  if (ackUrlX) {
    const askUntil = required('ASK_UNTIL');
    const grantUntil = required('GRANT_UNTIL');
    summary.step = 'desk: extension for X';
    let item = itemOfUnit(status, unitX);
    const act = item.locator('details.act[open]').filter({
      has: status.locator('summary', { hasText: /^Xử lý đề nghị gia hạn$/ }),
    });
    if ((await act.count()) !== 1) {
      throw new Error(`no open "Xử lý đề nghị gia hạn" on the line of ${unitX}`);
    }
    const until = act.locator('input[type=date][name=until]');
    await until.waitFor({ state: 'visible', timeout });
    const prefilled = await until.inputValue();
    if (prefilled !== askUntil) {
      throw new Error(`the date on the line of ${unitX} is ${JSON.stringify(prefilled)}, ` +
                      `want the one asked, ${askUntil}`);
    }
    for (const name of ['Đồng ý gia hạn', 'Không chấp thuận']) {
      await visibleText(act.getByRole('button', { name, exact: true }), `button "${name}"`, timeout);
    }
    await until.fill(grantUntil, { timeout });
    await act.locator('textarea[name=note]').fill(env.EXT_NOTE || '', { timeout });
    await submitAndFollow(status, act.getByRole('button', { name: 'Đồng ý gia hạn', exact: true }),
                          `${statusUrl}/extend`, landing, timeout);
    summary.step = 'desk: X extended';
    const rowX = await rowOfUnit(status, unitX, timeout);
    item = itemOfUnit(status, unitX);
    const ext = (await item.locator('div.ext').allInnerTexts()).map((t) => t.trim());
    if (ext.length !== 1 || !ext[0].startsWith('Được gia hạn đến ') ||
        !ext[0].includes(vnDate(grantUntil)) || !rowX.state.startsWith('Đang thực hiện, còn') ||
        rowX.css !== 'st-open') {
      throw new Error(`entry of ${unitX}: ${JSON.stringify({ ...rowX, ext })}, want "Đang thực ` +
                      `hiện, còn …" and "Được gia hạn đến … ${vnDate(grantUntil)} …"`);
    }
    if ((await status.locator('section#requests').count()) !== 0) {
      throw new Error('section#requests is still shown after the decision');
    }
    if ((await item.locator('details.act[open]').count()) !== 0) {
      throw new Error(`a form on the line of ${unitX} is still open after the decision`);
    }
    summary.status.x = { ...rowX, ext };
    await shoot(status, dir, 'desk-extension.png');

    // The unit's page tells it.
    summary.step = 'ack X: approved';
    await takeCsp(ackX);
    const again = await ackX.reload({ waitUntil: 'load', timeout });
    if (!again || again.status() !== 200) {
      throw new Error(`GET ${ackUrlX} again: status ${again ? again.status() : 'none'}`);
    }
    const approved = await visibleText(ackX.locator('#extension'), 'the decision on the page of X',
                                       timeout);
    if (!approved.startsWith(`Văn phòng đã đồng ý gia hạn đến ngày ${vnDate(grantUntil)}`)) {
      throw new Error(`the page of X says ${JSON.stringify(approved)}, want "Văn phòng đã đồng ` +
                      `ý gia hạn đến ngày ${vnDate(grantUntil)} …"`);
    }
    summary.ack_x.approved = approved;
    await shoot(ackX, dir, 'ack-extension-approved.png');
  }

  // 6. The phone again, with every form and code there is opened.
  summary.step = 'status: 390 px, forms open';
  await status.setViewportSize({ width: 390, height: 844 });
  summary.status.details_opened = await openAllDetails(status);
  summary.status.phone_forms = await overflow(status);
  await shoot(status, dir, 'desk-390-forms.png');
  await checkNoOverflow(status, 'at 390 px with every <details> open, the desk');

  // 7. Nothing went wrong in the browser.
  summary.step = 'console';
  for (const page of labels.keys()) await takeCsp(page);
  summary.csp_violations = violations;
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
