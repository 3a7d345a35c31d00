export { type Call, Sandbox, VirtualClock } from './sandbox.ts';
export { type SessionsSeen, sessionsSeen } from './sessions.ts';
export type { Difference, Snapshot } from './snapshot.ts';
export { type Message, SANDBOX_SECRET_MARK, secretValue, type World, type WorldOptions } from './world.ts';
