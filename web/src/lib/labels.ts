// Chinese names for what the API spells in English: states, categories, roles, actions.
// The action names are the buttons' accessible names, which people and tests look for.
import type { ActionName } from '@/api/types';

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
};

// One button per action, except the two that decide something: verify and followUp
// get a button for each outcome. `asks` is what the contract requires before sending.
export interface ActionButton {
  key: string;
  action: ActionName;
  label: string;
  extra?: Record<string, unknown>;
  asks?: { label: string; required: boolean; unit?: boolean };
  danger?: boolean;
}

export const ACTION_BUTTONS: ActionButton[] = [
  { key: 'confirm', action: 'verify', label: '核实通过', extra: { decision: 'CONFIRM' } },
  { key: 'reject', action: 'verify', label: '退回', extra: { decision: 'REJECT' },
    asks: { label: '退回原因', required: true }, danger: true },
  { key: 'accept', action: 'accept', label: '受理' },
  { key: 'escalate', action: 'escalate', label: '上报', asks: { label: '上报原因', required: true } },
  { key: 'reassign', action: 'reassign', label: '转派',
    asks: { label: '转派说明', required: true, unit: true } },
  { key: 'resolve', action: 'resolve', label: '办结', asks: { label: '办理情况', required: true } },
  { key: 'satisfied', action: 'followUp', label: '回访满意', extra: { satisfied: true },
    asks: { label: '回访记录', required: false } },
  { key: 'unsatisfied', action: 'followUp', label: '回访不满意', extra: { satisfied: false },
    asks: { label: '回访记录', required: false }, danger: true },
  { key: 'withdraw', action: 'withdraw', label: '撤回', danger: true },
  { key: 'comment', action: 'comment', label: '评论', asks: { label: '评论内容', required: true } },
  { key: 'urge', action: 'urge', label: '督办' },
];

export function buttonsFor(allowed: readonly string[]): ActionButton[] {
  return ACTION_BUTTONS.filter((b) => allowed.includes(b.action));
}
