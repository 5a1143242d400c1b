// The API's types, generated from proto/gridcare/v1 by scripts/gen-proto-types.mjs, plus the
// few shapes the console builds itself. Pages import from here, never from gen/ directly.
export type { Case, CaseEvent, Subject, CreateCaseRequest, CaseActionRequest, ListCasesResponse, ListEventsResponse, StreamEvent } from './gen/gridcare/v1/case';
export { Case_State, Case_Category, Case_Priority, Case_Channel, CaseEvent_Action, Subject_Role } from './gen/gridcare/v1/case';
export type { User, Session } from './gen/gridcare/v1/session';
export { User_Role } from './gen/gridcare/v1/session';
export type { OrgUnit } from './gen/gridcare/v1/org';
export { OrgUnit_Level } from './gen/gridcare/v1/org';
export type { UnitStats, StatsResponse } from './gen/gridcare/v1/stats';

// The case actions (api.md "Actions"), from the engine's table (engine/actions.def).
export { ACTIONS } from './gen/actions';
export type { ActionName, CommandName } from './gen/actions';
