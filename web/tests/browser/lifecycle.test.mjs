// The console end to end, as its people use it, against the real server:
//   1. a grid worker on a phone goes offline, files a report, closes the page, reopens it,
//      comes back online, and the case exists exactly once;
//   2. the grid leader verifies it, village staff accept and resolve it, the grid worker
//      records a satisfied follow-up — all through the pages;
//   3. a supervisor's board, open the whole time, shows each step without a reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESK, PHONE, apiAs, guard, openAs, serverAndBrowser, shot, waitFor,
} from './harness.mjs';

const env = serverAndBrowser(before, after);
const problems = [];
const title = `留守儿童无人照看 ${Date.now()}`;
let caseId;
let board;

// The board's feed holds an entry for this case and action.
async function boardShows(action) {
  await board.locator(`ol[aria-label="实时动态"] li[data-case-id="${caseId}"][data-action="${action}"]`)
    .first().waitFor({ timeout: 15_000 });
  assert.equal(await board.evaluate(() => window.__boardNeverReloaded), true, 'the board reloaded');
}

test('the console: offline report, the whole lifecycle, and the live board', async (t) => {
  const { server } = env;
  await t.test('a supervisor opens the board', async () => {
    board = await openAs(env, 'city_supervisor', DESK, problems);
    await board.getByRole('heading', { name: '督办看板' }).waitFor();
    await board.getByRole('heading', { name: '各单位情况' }).waitFor();
    await board.evaluate(() => { window.__boardNeverReloaded = true; });
    await board.locator('.board__live').getByText('已接收').waitFor();
    await shot(board, '01-board-start');
  });

  await t.test('a grid worker files a report with no signal, and it is sent exactly once', async () => {
    let phone = await openAs(env, 'gridworker', PHONE, problems);
    const ctx = phone.context();
    await phone.getByRole('button', { name: '我要上报' }).waitFor();
    // The shell must be on the device before the signal goes.
    await waitFor('the service worker to control the page', () =>
      phone.evaluate(() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)));
    await shot(phone, '02-phone-home');

    await ctx.setOffline(true);
    await phone.getByRole('button', { name: '我要上报' }).click();
    await phone.getByLabel('类别').selectOption('LEFT_BEHIND_CHILD');
    await phone.getByLabel('紧急程度').selectOption('URGENT');
    await phone.getByLabel('标题').fill(title);
    await phone.getByLabel('地址').fill('梅亭社区 3 号楼 201');
    await phone.getByLabel('情况描述').fill('父母在外务工，9岁孩子独自在家，祖母住院。');
    await phone.getByRole('button', { name: '添加当事人' }).click();
    await phone.getByLabel('姓名').fill('小杰');
    await phone.getByLabel('年龄').fill('9');
    await shot(phone, '03-phone-report-form');
    await phone.getByRole('button', { name: '提交' }).click();

    const row = phone.locator('li', { hasText: title });
    await row.getByText('待发送').waitFor();
    await shot(phone, '04-phone-queued-offline');

    // Nothing reached the server while offline.
    const worker = await apiAs(server.base, 'gridworker');
    const before = await worker.call('GET', '/v1/cases?view=MINE&pageSize=200');
    assert.equal(before.body.cases.filter((c) => c.title === title).length, 0);

    // The page is closed; the phone is still offline when the app is opened again.
    await phone.close();
    phone = await ctx.newPage();
    guard(phone, server.base, problems);
    await phone.goto(server.base + '/');
    await phone.locator('li', { hasText: title }).getByText('待发送').waitFor();

    await ctx.setOffline(false);
    await phone.locator('li', { hasText: title }).getByText('已发送').waitFor({ timeout: 30_000 });
    await phone.locator('li', { hasText: title }).getByText('待核实').waitFor({ timeout: 30_000 });
    await shot(phone, '05-phone-sent');

    const mine = await worker.call('GET', '/v1/cases?view=MINE&pageSize=200');
    const made = mine.body.cases.filter((c) => c.title === title);
    assert.equal(made.length, 1, 'the report must exist exactly once');
    caseId = made[0].id;
    assert.equal(made[0].priority, 'URGENT');
    assert.equal(made[0].subjects[0].name, '小杰');
    await boardShows('REPORTED');
    await ctx.close();
  });

  await t.test('the grid leader verifies it on the desk', async () => {
    const page = await openAs(env, 'gridleader', DESK, problems);
    await page.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { name: title }).waitFor();
    await shot(page, '06-desk-case-reported');
    await page.getByRole('button', { name: '核实通过' }).click();
    await page.getByText('已核实通过').waitFor();
    await boardShows('VERIFIED');
    await page.context().close();
  });

  await t.test('village staff accept and resolve it', async () => {
    const page = await openAs(env, 'village_staff', DESK, problems);
    await page.getByRole('tab', { name: '我的待办' }).waitFor();
    await page.getByRole('link', { name: title }).waitFor();
    await shot(page, '07-desk-inbox');
    await page.getByRole('link', { name: title }).click();
    await page.getByRole('button', { name: '受理' }).click();
    await page.getByText('已受理').waitFor();
    await boardShows('ACCEPTED');
    await page.getByRole('button', { name: '办结' }).click();
    await page.getByLabel('办理情况').fill('已联系祖母所在医院和村委，安排邻居照看，申请临时救助。');
    await page.getByRole('button', { name: '确定' }).click();
    await page.getByText('已办结').first().waitFor();
    await shot(page, '08-desk-case-timeline');
    await boardShows('RESOLVED');
    await page.context().close();
  });

  await t.test('the grid worker records a satisfied follow-up on the phone', async () => {
    const page = await openAs(env, 'gridworker', PHONE, problems);
    await page.getByRole('tab', { name: /待回访/ }).click();
    await page.locator('ul[aria-label="待回访"] li', { hasText: title }).click();
    await page.getByRole('button', { name: '回访满意' }).click();
    await page.getByLabel('回访记录').fill('孩子已由邻居照看，祖母下周出院。');
    await page.getByRole('button', { name: '确定' }).click();
    await page.getByText('已办结').first().waitFor();
    await shot(page, '09-phone-follow-up-done');
    await boardShows('CLOSED');
    await page.context().close();

    const worker = await apiAs(server.base, 'gridworker');
    const c = await worker.call('GET', `/v1/cases/${caseId}`);
    assert.equal(c.body.state, 'CLOSED');
    const ev = await worker.call('GET', `/v1/cases/${caseId}/events`);
    assert.deepEqual(ev.body.events.map((e) => e.action).filter((a) => a !== 'SLA_WARNING'),
      ['REPORTED', 'VERIFIED', 'ACCEPTED', 'RESOLVED', 'CLOSED']);
  });

  await t.test('the board followed it all without a reload, and nothing left for another host', async () => {
    await shot(board, '10-board-after');
    assert.equal(await board.evaluate(() => window.__boardNeverReloaded), true);
    assert.deepEqual(problems, []);
  });

  await t.test('the supervisor urges an overdue case and drills down from the board', async () => {
    const overdueList = board.getByRole('list', { name: '超期案件' });
    const first = overdueList.locator('li[data-case-id]').first();
    const id = await first.getAttribute('data-case-id');
    await first.getByRole('button', { name: '督办' }).click();
    await board.locator(`ol[aria-label="实时动态"] li[data-case-id="${id}"][data-action="URGED"]`).waitFor();

    await board.getByRole('button', { name: '柳城街道' }).click();
    await board.getByRole('navigation', { name: '当前单位' }).getByText('柳城街道').waitFor();
    await board.getByRole('button', { name: '梅亭社区' }).click();
    await board.locator('tr[data-unit="NA-LC-MTS-G1"]').waitFor();
    await shot(board, '12-board-village');
    await board.getByRole('navigation', { name: '当前单位' }).getByRole('button', { name: '南安市' }).click();
    await board.locator('tr[data-unit="NA-LC"]').waitFor();
    assert.equal(await board.evaluate(() => window.__boardNeverReloaded), true);
  });

  await t.test('退出登录 ends the session on the server too', async () => {
    const token = await board.evaluate(() => JSON.parse(localStorage.getItem('gridcare.session')).token);
    await board.getByRole('button', { name: '退出登录' }).click();
    await board.getByRole('button', { name: '登录' }).waitFor();
    assert.equal(await board.evaluate(() => localStorage.getItem('gridcare.session')), null);
    const r = await fetch(`${server.base}/v1/stats`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 401);
  });
});
