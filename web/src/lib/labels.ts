// Chinese names for what the API spells in English: states, categories, roles, events; and
// the action buttons, whose labels come from the server's table (engine/actions.def) and are
// their accessible names, which people and tests look for.
import { ACTIONS, type ActionName, type CommandName } from '@/api/types';

export const STATE_LABEL: Record<string, string> = {
  STATE_UNSPECIFIED: '—', REPORTED: '待核实', ASSIGNED: '待受理', IN_PROGRESS: '办理中',
  RESOLVED: '待回访', CLOSED: '已办结', REJECTED: '已退回', WITHDRAWN: '已撤回',
};

export const STATE_TYPE: Record<string, 'primary' | 'success' | 'warning' | 'danger' | 'default'> = {
  REPORTED: 'warning', ASSIGNED: 'primary', IN_PROGRESS: 'primary', RESOLVED: 'success',
  CLOSED: 'success', REJECTED: 'default', WITHDRAWN: 'default',
};

export const OPEN_STATES = ['REPORTED', 'ASSIGNED', 'IN_PROGRESS', 'RESOLVED'];

export const CATEGORY_LABEL: Record<string, string> = {
  LEFT_BEHIND_CHILD: '留守儿童', CHILD_IN_HARDSHIP: '困境儿童', WOMAN_IN_HARDSHIP: '困境妇女',
  FAMILY_IN_HARDSHIP: '困难家庭', DOMESTIC_VIOLENCE: '家庭暴力', OTHER: '其他',
};

export const PRIORITY_LABEL: Record<string, string> = { ROUTINE: '一般', URGENT: '紧急' };

export const CHANNEL_LABEL: Record<string, string> = {
  GRID_PATROL: '网格巡查', TOWNSHIP_DISCOVERY: '镇街发现', HOTLINE_12345: '12345热线',
  DEPARTMENT_REFERRAL: '部门转介',
};

export const SUBJECT_ROLE_LABEL: Record<string, string> = {
  CHILD: '儿童', WOMAN: '妇女', PARENT: '父母', GUARDIAN: '监护人', OTHER: '其他',
};

export const ROLE_LABEL: Record<string, string> = {
  GRID_WORKER: '网格员', GRID_LEADER: '网格长', FEDERATION_STAFF: '妇联干部',
  DEPARTMENT_STAFF: '部门工作人员', HOTLINE_OPERATOR: '热线话务员', SUPERVISOR: '督办',
  ADMIN: '管理员', SYSTEM: '系统',
};

export const EVENT_LABEL: Record<string, string> = {
  REPORTED: '上报', VERIFIED: '核实通过', REJECTED: '退回', ACCEPTED: '受理',
  ESCALATED: '上报上级', RESOLVED: '办结', REOPENED: '回访不满意，重新办理', CLOSED: '回访满意，结案',
  WITHDRAWN: '撤回', COMMENTED: '评论', URGED: '督办', REASSIGNED: '转派',
  SLA_WARNING: '响应即将超时', SLA_BREACHED: '响应超时', RESOLVE_OVERDUE: '办理超期',
  FOLLOW_UP_OVERDUE: '回访超期',
  PERSONAL_DATA_MINIMISED: '个人信息已按期删除',
};

// One button per command the server's table lists (engine/actions.def, generated into
// gen/actions.ts with its label): verify and followUp get a button for each outcome. Here only
// how each is presented: `asks` is what the contract requires before sending. Keyed by
// command, so the build fails when the two lists differ.
export interface ActionButton {
  key: string;
  action: ActionName;
  label: string;
  extra?: Record<string, unknown>;
  asks?: { label: string; required: boolean; unit?: boolean };
  danger?: boolean;
}

const PRESENTATION: Record<CommandName, Pick<ActionButton, 'asks' | 'danger'>> = {
  'verify:CONFIRM': {},
  'verify:REJECT': { asks: { label: '退回原因', required: true }, danger: true },
  accept: {},
  escalate: { asks: { label: '上报原因', required: true } },
  reassign: { asks: { label: '转派说明', required: true, unit: true } },
  resolve: { asks: { label: '办理情况', required: true } },
  'followUp:satisfied': { asks: { label: '回访记录', required: false } },
  'followUp:unsatisfied': { asks: { label: '回访记录', required: false }, danger: true },
  withdraw: { danger: true },
  comment: { asks: { label: '评论内容', required: true } },
  urge: {},
};

// The request field that picks the command, typed as the contract has it.
function picks(field: string, value: string): Record<string, unknown> | undefined {
  if (!value) return undefined;
  return { [field]: value === 'true' ? true : value === 'false' ? false : value };
}

export const ACTION_BUTTONS: ActionButton[] = ACTIONS.map((a) => ({
  key: a.command,
  action: a.action,
  label: a.label,
  extra: picks(a.field, a.value),
  ...PRESENTATION[a.command],
}));

export function buttonsFor(allowed: readonly string[]): ActionButton[] {
  return ACTION_BUTTONS.filter((b) => allowed.includes(b.action));
}
