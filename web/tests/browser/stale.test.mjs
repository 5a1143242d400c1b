// A stale version: when someone else changed the case after the page loaded it (and the
// live update did not arrive in time), the action comes back 409 ABORTED; the page says
// someone else changed it, reloads the case, and the action then goes through.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESK, apiAs, guard, serverAndBrowser, signIn } from './harness.mjs';

const env = serverAndBrowser(before, after);

test('an action on a case someone else just changed reloads it and says so', async () => {
  const { server, browser } = env;
  const worker = await apiAs(server.base, 'gridworker');
  const staff = await apiAs(server.base, 'village_staff');
  const created = await worker.call('POST', '/v1/cases', {
    requestId: `stale-${Date.now()}`, channel: 'GRID_PATROL', category: 'FAMILY_IN_HARDSHIP',
    priority: 'ROUTINE', title: '版本冲突检查', description: '', address: '', subjects: [],
  });
  const id = created.body.id;
  assert.equal((await staff.call('POST', `/v1/cases/${id}:verify`, { decision: 'CONFIRM' })).status, 200);

  const ctx = await browser.newContext(DESK);
  // No live updates for this page, so it cannot learn of the change before the click.
  await ctx.route('**/v1/stream', (route) => route.abort());
  const page = await ctx.newPage();
  const problems = [];
  guard(page, server.base, problems);
  await signIn(page, server.base, 'village_staff');
  await page.goto(`${server.base}/#/desk/case/${id}`);
  await page.getByRole('button', { name: '受理' }).waitFor();

  assert.equal((await staff.call('POST', `/v1/cases/${id}:comment`, { note: '另一位同事的评论' })).status, 200);
  await page.getByRole('button', { name: '受理' }).click();
  await page.getByText('该案件刚被其他人更新，已为您重新加载').waitFor();
  await page.getByText('另一位同事的评论').waitFor();

  await page.getByRole('button', { name: '受理' }).click();
  await page.getByText('已受理').waitFor();
  const c = await staff.call('GET', `/v1/cases/${id}`);
  assert.equal(c.body.state, 'IN_PROGRESS');
  assert.deepEqual(problems.filter((p) => !p.includes('/v1/stream')), []);
});
