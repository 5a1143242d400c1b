// The action buttons built from the server's table: the labels people and browser tests look
// for, and the request field each verdict sends, written out here by hand.
import { describe, expect, it } from 'vitest';
import { ACTION_BUTTONS, buttonsFor } from '@/lib/labels';

describe('action buttons', () => {
  it('one per command, in the server order, with the labels and verdicts of the contract', () => {
    expect(ACTION_BUTTONS.map((b) => [b.action, b.label, b.extra])).toEqual([
      ['verify', '核实通过', { decision: 'CONFIRM' }],
      ['verify', '退回', { decision: 'REJECT' }],
      ['accept', '受理', undefined],
      ['escalate', '上报', undefined],
      ['reassign', '转派', undefined],
      ['resolve', '办结', undefined],
      ['followUp', '回访满意', { satisfied: true }],
      ['followUp', '回访不满意', { satisfied: false }],
      ['withdraw', '撤回', undefined],
      ['comment', '评论', undefined],
      ['urge', '督办', undefined],
    ]);
  });

  it('asks for what the contract requires and marks the undoing ones', () => {
    const by = Object.fromEntries(ACTION_BUTTONS.map((b) => [b.label, b]));
    expect(by['退回'].asks).toEqual({ label: '退回原因', required: true });
    expect(by['转派'].asks).toEqual({ label: '转派说明', required: true, unit: true });
    expect(by['回访满意'].asks?.required).toBe(false);
    expect(ACTION_BUTTONS.filter((b) => b.danger).map((b) => b.label)).toEqual(['退回', '回访不满意', '撤回']);
    expect(by['受理'].asks).toBeUndefined();
  });

  it('an allowed action shows each of its buttons', () => {
    expect(buttonsFor(['verify', 'comment']).map((b) => b.label)).toEqual(['核实通过', '退回', '评论']);
  });
});
