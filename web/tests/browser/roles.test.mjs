// 4. A role never sees a button for an action it may not take — nor misses one it may.
// The expected buttons are written out here from api.md's action table, independently of
// the server's own rules, for a case reported by `gridworker` in grid NA-LC-MTS-G1
// (village NA-LC-MTS, township NA-LC) and walked through its states.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESK, PHONE, apiAs, openAs, serverAndBrowser, shot } from './harness.mjs';

const ALL_BUTTONS = ['核实通过', '退回', '受理', '上报', '转派', '办结', '回访满意', '回访不满意', '撤回', '评论', '督办'];
const VERIFY = ['核实通过', '退回'];
const FOLLOW_UP = ['回访满意', '回访不满意'];

// role → state → buttons, from api.md's "Actions" table.
const EXPECTED = {
  gridworker: {  // the reporter, and GRID_WORKER of the case's grid
    REPORTED: ['撤回', '评论'], ASSIGNED: ['评论'], IN_PROGRESS: ['评论'],
    RESOLVED: [...FOLLOW_UP, '评论'], CLOSED: ['评论'],
  },
  gridleader: {  // GRID_LEADER of the grid's village
    REPORTED: [...VERIFY, '评论'], ASSIGNED: ['评论'], IN_PROGRESS: ['评论'], RESOLVED: ['评论'], CLOSED: ['评论'],
  },
  village_staff: {  // FEDERATION_STAFF of the assigned unit
    REPORTED: [...VERIFY, '上报', '评论'], ASSIGNED: ['受理', '上报', '评论'],
    IN_PROGRESS: ['上报', '办结', '评论'], RESOLVED: [...FOLLOW_UP, '评论'], CLOSED: ['评论'],
  },
  township_staff: {  // FEDERATION_STAFF above the assigned unit: reads, may only comment
    REPORTED: ['评论'], ASSIGNED: ['评论'], IN_PROGRESS: ['评论'], RESOLVED: ['评论'], CLOSED: ['评论'],
  },
  township_supervisor: {  // SUPERVISOR above the assigned unit
    REPORTED: ['上报', '转派', '评论', '督办'], ASSIGNED: ['上报', '转派', '评论', '督办'],
    IN_PROGRESS: ['上报', '转派', '评论', '督办'], RESOLVED: ['评论', '督办'], CLOSED: ['评论'],
  },
};
const OUTSIDERS = ['gridworker2', 'dept_staff'];  // another grid; a department with no referral
const STATE_LABEL = { REPORTED: '待核实', ASSIGNED: '待受理', IN_PROGRESS: '办理中', RESOLVED: '待回访', CLOSED: '已办结' };

// A fresh load of the case page (the same URL again would not reload a single-page app).
async function openCase(page, url) {
  await page.goto(url);
  await page.reload();
}

const env = serverAndBrowser(before, after);

async function buttonsOn(page) {
  const group = page.getByRole('group', { name: '可执行的操作' });
  await group.waitFor();
  const shown = [];
  for (const name of ALL_BUTTONS) {
    if (await group.getByRole('button', { name, exact: true }).count()) shown.push(name);
  }
  return shown;
}

test('each role sees exactly the action buttons api.md gives it, in every state', async () => {
  const { server } = env;
  const worker = await apiAs(server.base, 'gridworker');
  const staff = await apiAs(server.base, 'village_staff');
  const created = await worker.call('POST', '/v1/cases', {
    requestId: `roles-${Date.now()}`, channel: 'GRID_PATROL', category: 'CHILD_IN_HARDSHIP',
    priority: 'ROUTINE', title: '按钮权限检查', description: '', address: '', subjects: [],
  });
  assert.equal(created.status, 201);
  const id = created.body.id;
  const steps = {
    REPORTED: null,
    ASSIGNED: ['verify', { decision: 'CONFIRM' }],
    IN_PROGRESS: ['accept', {}],
    RESOLVED: ['resolve', { note: '已处理' }],
    CLOSED: ['followUp', { satisfied: true }],
  };
  const pages = {};
  for (const user of [...Object.keys(EXPECTED), ...OUTSIDERS]) {
    const problems = [];
    const page = await openAs(env, user, user.startsWith('gridworker') ? PHONE : DESK, problems);
    await page.waitForURL(/#\/(phone|desk|board)/);
    pages[user] = { page, problems };
  }
  for (const [state, step] of Object.entries(steps)) {
    if (step) {
      const r = await staff.call('POST', `/v1/cases/${id}:${step[0]}`, step[1]);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.state, state);
    }
    for (const [user, byState] of Object.entries(EXPECTED)) {
      const { page } = pages[user];
      const prefix = user.startsWith('gridworker') ? 'phone' : 'desk';
      await openCase(page, `${server.base}/#/${prefix}/case/${id}`);
      await page.getByRole('heading', { name: '按钮权限检查' }).waitFor();
      await page.locator('.state', { hasText: STATE_LABEL[state] }).first().waitFor();
      const shown = await buttonsOn(page);
      assert.deepEqual(shown.sort(), [...byState[state]].sort(), `${user} in ${state}`);
      if (state === 'IN_PROGRESS' && user === 'township_supervisor') await shot(page, '11-desk-supervisor-actions');
    }
    for (const user of OUTSIDERS) {
      const { page } = pages[user];
      const prefix = user.startsWith('gridworker') ? 'phone' : 'desk';
      await openCase(page, `${server.base}/#/${prefix}/case/${id}`);
      await page.getByText('案件不存在，或不在您的管辖范围内').waitFor();
      assert.equal(await page.getByRole('group', { name: '可执行的操作' }).count(), 0, `${user} in ${state}`);
    }
  }
  for (const { page, problems } of Object.values(pages)) {
    assert.deepEqual(problems, []);
    await page.context().close();
  }
});
