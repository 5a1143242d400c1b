// Turns what the server or the network says into a sentence a person can act on, in Chinese.
// The server's English message stays available underneath for support staff.

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,   // 0 when the request never reached the server
    readonly status: string,       // the contract's status, e.g. "ABORTED"; "NETWORK" offline
    readonly serverMessage: string,
  ) {
    super(serverMessage);
  }

  get offline(): boolean {
    return this.status === 'NETWORK';
  }

  // Worth sending again later as is: no signal, the server busy or unable to write.
  get retryable(): boolean {
    return this.offline || this.httpStatus === 429 || this.httpStatus >= 500;
  }

  get userMessage(): string {
    return describe(this);
  }
}

const FIELD_NAMES: Record<string, string> = {
  title: '标题', description: '情况描述', address: '地址', category: '类别',
  priority: '紧急程度', note: '说明', unitId: '单位', gridId: '网格', subjects: '当事人',
  requestId: '请求编号', satisfied: '回访结果', decision: '核实结论', username: '用户名',
  password: '密码',
};

function describe(e: ApiError): string {
  const m = e.serverMessage;
  switch (e.status) {
    case 'NETWORK':
      return '网络不可用，请检查信号后重试';
    case 'UNAUTHENTICATED':
      return /password|username|credential/i.test(m) ? '用户名或密码不正确' : '登录已过期，请重新登录';
    case 'PERMISSION_DENIED':
      return '您没有权限进行此操作';
    case 'NOT_FOUND':
      return '案件不存在，或不在您的管辖范围内';
    case 'FAILED_PRECONDITION':
      return '案件状态已变化，当前不能进行此操作，请刷新后查看';
    case 'ABORTED':
      return '该案件刚被其他人更新，已为您重新加载，请确认后再操作';
    case 'ALREADY_EXISTS':
      return '该上报已提交过，内容不同，请新建一条上报';
    case 'RESOURCE_EXHAUSTED':
      return e.httpStatus === 413 ? '内容太长，请精简后再提交' : '尝试次数过多，请稍后再试';
    case 'UNAVAILABLE':
      return '服务器暂时无法保存，请稍后重试（内容不会丢失）';
    case 'INVALID_ARGUMENT': {
      const field = m.match(/^([A-Za-z]+)(?:\[\d+\]\.([A-Za-z]+))?/);
      const name = field ? (FIELD_NAMES[field[2] ?? ''] ?? FIELD_NAMES[field[1]]) : undefined;
      if (name && /required/.test(m)) return `请填写${name}`;
      if (name && /at most/.test(m)) return `${name}太长，请精简`;
      if (name) return `${name}填写有误，请检查`;
      return '填写的内容有误，请检查后再提交';
    }
    default:
      return e.httpStatus >= 500 ? '服务器出错了，请稍后重试' : '操作未成功，请稍后重试';
  }
}
